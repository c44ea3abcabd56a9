import ArgumentParser
import CMallocCounter
import Histogram
import Metrics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reprise-bench metrics`: the cost of recording one sample, in CPU nanoseconds and allocations, next
/// to hdrhistogram-swift's raw `record` (the floor: a Trend sample is a histogram record plus count,
/// sum, min and max).
struct MetricsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Cost of adding one sample to a tagged Trend (ns/op, allocations/op).")

    @Option(help: "Samples per run.")
    var samples = 5_000_000

    @Option(help: "Runs per case; the median is reported.")
    var runs = 7

    func run() throws {
        try checkAllocationCounter()
        let values = Self.durations(count: 4096)
        let registry = MetricsRegistry()
        let tags = GRPCCallSeries.callTags(address: "127.0.0.1:50051", path: "/helloworld.Greeter/SayHello")
        let call = GRPCCallSeries(registry: registry, tags: tags)
        let trend = call.duration[0]
        let counter = call.requests[0]
        let rate = call.failed[0]
        let sink = registry.makeSink()
        var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        var accumulator = TrendAccumulator()
        let samples = self.samples

        let cases: [(String, String, () -> Void)] = [
            (
                "hdr-record", "hdrhistogram-swift Histogram.record (peer floor)",
                { for index in 0..<samples { histogram.record(UInt64(values[index & 4095]) / 1000) } }
            ),
            (
                "trend-accumulator", "TrendAccumulator.record (count, sum, min, max, histogram)",
                { for index in 0..<samples { accumulator.record(values[index & 4095]) } }
            ),
            (
                "sink-trend", "MetricsSink.add(tagged trend, nanoseconds:)",
                { for index in 0..<samples { sink.add(trend, nanoseconds: values[index & 4095]) } }
            ),
            (
                "sink-counter", "MetricsSink.add(tagged counter, 1)",
                { for _ in 0..<samples { sink.add(counter, 1) } }
            ),
            (
                "sink-rate", "MetricsSink.add(tagged rate, Bool)",
                { for index in 0..<samples { sink.add(rate, index & 1 == 0) } }
            ),
            (
                "sink-call", "MetricsSink.recordCall: duration + grpc_reqs + grpc_req_failed (3 samples)",
                { for index in 0..<samples { sink.recordCall(call, status: 0, nanoseconds: values[index & 4095]) } }
            ),
        ]
        print("metrics bench: \(samples) samples per run, median of \(runs) runs, CPU ns per op (thread CPU time)")
        print("case                 cpu ns/op   wall ns/op   allocs/op   what")
        var medians: [String: Double] = [:]
        for (name, what, body) in cases {
            body()  // warm up: histograms grow to the value range once
            sink.flush()
            var cpu: [Double] = []
            var wall: [Double] = []
            var allocations: [Double] = []
            for _ in 0..<runs {
                let allocationsBefore = cmalloccounter_allocations()
                let wallBefore = Self.nanoseconds(CLOCK_MONOTONIC)
                let cpuBefore = Self.nanoseconds(CLOCK_THREAD_CPUTIME_ID)
                body()
                let cpuAfter = Self.nanoseconds(CLOCK_THREAD_CPUTIME_ID)
                let wallAfter = Self.nanoseconds(CLOCK_MONOTONIC)
                let allocationsAfter = cmalloccounter_allocations()
                cpu.append(Double(cpuAfter - cpuBefore) / Double(samples))
                wall.append(Double(wallAfter - wallBefore) / Double(samples))
                allocations.append(Double(allocationsAfter - allocationsBefore) / Double(samples))
                sink.flush()
            }
            medians[name] = Self.median(cpu)
            print(
                Self.pad(name, 20) + Self.pad(Self.format(Self.median(cpu)), 12, left: true)
                    + Self.pad(Self.format(Self.median(wall)), 13, left: true)
                    + Self.pad(Self.format(Self.median(allocations), digits: 4), 12, left: true) + "   " + what)
        }
        if let floor = medians["hdr-record"], let trendCost = medians["sink-trend"] {
            print("ratio sink-trend / hdr-record: \(Self.format(trendCost / floor))x")
        }
        let widened = widening()
        // Keep the results observable so the loops are not optimised away.
        let total = histogram.totalCount &+ accumulator.count &+ registry.snapshot().trends[0].totals.count
        print("checksum \(total &+ widened)")
    }

    /// The first sample beyond a trend's range so far (a slow call), and the merge of such a trend into a
    /// fresh one (a sink's flush, a summary merge): a TrendAccumulator widens its histogram itself, next
    /// to hdrhistogram-swift's own auto-resize. CPU µs per case, median of `runs`; returns a checksum.
    private func widening() -> UInt64 {
        print("first sample beyond the range, from empty (CPU µs, median of \(runs) runs):")
        print("value        trend.record   hdr.record (auto-resize)   trend.merge   hdr.add (auto-resize)")
        var checksum: UInt64 = 0
        for (label, nanoseconds) in [("3 ms", Int64(3_000_000)), ("60 ms", 60_000_000), ("60 s", 60_000_000_000)]
            + [("1 h", 3_600_000_000_000)]
        {
            let value = UInt64(nanoseconds / 1000)
            var full = TrendAccumulator()
            full.record(nanoseconds)
            var fullHistogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
            fullHistogram.record(value)
            // Each case starts from an empty trend or histogram, as a sink's or a summary's does.
            let costs: [() -> UInt64] = [
                { changed(TrendAccumulator()) { $0.record(nanoseconds) }.count },
                { changed(Histogram<UInt64>(numberOfSignificantValueDigits: .three)) { $0.record(value) }.totalCount },
                { changed(TrendAccumulator()) { $0.merge(full) }.count },
                {
                    changed(Histogram<UInt64>(numberOfSignificantValueDigits: .three)) { $0.add(fullHistogram) }
                        .totalCount
                },
            ]
            var columns: [String] = []
            for cost in costs {
                var cpu: [Double] = []
                for _ in 0..<runs {
                    let before = Self.nanoseconds(CLOCK_THREAD_CPUTIME_ID)
                    checksum &+= cost()
                    cpu.append(Double(Self.nanoseconds(CLOCK_THREAD_CPUTIME_ID) - before) / 1000)
                }
                columns.append(Self.format(Self.median(cpu)))
            }
            print(
                Self.pad(label, 13) + Self.pad(columns[0], 12, left: true) + Self.pad(columns[1], 27, left: true)
                    + Self.pad(columns[2], 14, left: true) + Self.pad(columns[3], 24, left: true))
        }
        return checksum
    }

    /// Proves the allocation counter sees Swift allocations before trusting a zero.
    private func checkAllocationCounter() throws {
        let before = cmalloccounter_allocations()
        var boxes: [[Int]] = []
        for index in 0..<100 { boxes.append(Array(repeating: index, count: 64 + index)) }
        let counted = cmalloccounter_allocations() - before
        guard counted >= 100, boxes.count == 100 else {
            throw ValidationError(
                "the allocation counter saw \(counted) allocations for 100 arrays: interposition is broken")
        }
    }

    /// Durations from 20 µs to about 200 ms, skewed to the low end like call latencies.
    static func durations(count: Int) -> [Int64] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            return Int64(20_000 * pow(10_000, unit * unit))
        }
    }

    static func nanoseconds(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func format(_ value: Double, digits: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return String(rounded)
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }
}

/// `value` after `change`: a fresh trend or histogram changed in one expression.
private func changed<Value>(_ value: Value, _ change: (inout Value) -> Void) -> Value {
    var copy = value
    change(&copy)
    return copy
}
