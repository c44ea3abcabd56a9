import GRPCProtocol
import Histogram
import Testing

@testable import Metrics

@Suite struct MergeTests {
    @Test(arguments: [2, 3, 8])
    func mergedTrendEqualsOneTrendOfAllSamples(parts: Int) {
        let samples = Samples.durations(count: 20_000, seed: UInt64(parts))
        var whole = TrendAccumulator()
        for sample in samples { whole.record(sample) }
        var pieces = Array(repeating: TrendAccumulator(), count: parts)
        for (index, sample) in samples.enumerated() { pieces[index % parts].record(sample) }
        var merged = TrendAccumulator()
        for piece in pieces.reversed() { merged.merge(piece) }

        #expect(merged == whole)
        #expect(merged.histogram == whole.histogram)
        #expect(merged.sum == whole.sum && merged.count == whole.count)
        for p in [0.0, 0.5, 0.9, 0.95, 0.99, 1] { #expect(merged.percentile(p) == whole.percentile(p)) }
    }

    @Test func sinksOnSeveralThreadsAddUpToTheSameTotals() async {
        let registry = MetricsRegistry()
        let tags = GRPCCallSeries.callTags(address: "127.0.0.1:1", path: "/a.B/C")
        let call = GRPCCallSeries(registry: registry, tags: tags)
        let samples = Samples.durations(count: 40_000, seed: 9)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let sink = registry.makeSink()
                    for index in stride(from: worker, to: samples.count, by: 4) {
                        sink.recordCall(call, status: index % 10 == 0 ? 14 : 0, nanoseconds: samples[index])
                        if index % 5000 == 0 { sink.flush() }
                    }
                    sink.flush()
                }
            }
        }
        var expected = TrendAccumulator()
        for sample in samples { expected.record(sample) }
        let snapshot = registry.snapshot()
        guard case .trend(let total) = snapshot.aggregate(registry.builtin.grpcReqDuration) else {
            Issue.record("grpc_req_duration is not a trend")
            return
        }
        #expect(total == expected)
        guard case .rate(let failed) = snapshot.aggregate(registry.builtin.grpcReqFailed),
            case .counter(let requests) = snapshot.aggregate(registry.builtin.grpcReqs),
            case .counter(let unavailable) = snapshot.aggregate(registry.builtin.grpcReqs, matching: ["status": "14"])
        else {
            Issue.record("unexpected aggregate types")
            return
        }
        #expect(requests.value == 40_000)
        #expect(unavailable.value == 4000)
        #expect(failed.trues == 4000 && failed.total == 40_000)
    }

    @Test func histogramSurvivesItsTextEncoding() throws {
        var trend = TrendAccumulator()
        for sample in Samples.durations(count: 5000, seed: 42) { trend.record(sample) }
        let decoded = try #require(TrendAccumulator.decodeHistogram(trend.encodedHistogram))
        #expect(decoded == trend.histogram)
        #expect(TrendAccumulator.decodeHistogram("not base64!") == nil)
    }

    /// A trend widens its histogram itself (the library's own resize is slow): the counts, percentiles and
    /// encoding come out as the library's auto-resizing histogram gives them, values and merges alike.
    @Test func aWidenedHistogramCountsAsTheLibrarysOwn() throws {
        // From 20 µs to 200 ms, then single values far beyond: a minute, an hour, and the first bucket's edge.
        var values = Samples.durations(count: 5000, seed: 7)
        values += [2_047_000, 2_048_000, 60_000_000_000, 3_600_000_000_000, 0, -5]
        var trend = TrendAccumulator()
        var reference = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        for value in values {
            trend.record(value)
            reference.record(value <= 0 ? 0 : (UInt64(value) + 500) / 1000)
            // Its top always covers what it holds (how far it widens: the exact top below).
            #expect(trend.histogram.highestTrackableValue >= trend.histogram.max)
        }
        #expect(trend.histogram == reference)
        #expect(trend.histogram.highestTrackableValue == 4_294_967_295)  // 2048 * 2^21 - 1 covers an hour in µs
        for p in [0.0, 0.5, 0.9, 0.99, 0.999, 1] {
            #expect(trend.histogram.valueAtPercentile(p * 100) == reference.valueAtPercentile(p * 100))
        }
        // Merged into a fresh trend and the other way round: the same counts.
        var fresh = TrendAccumulator()
        fresh.merge(trend)
        #expect(fresh == trend)
        var small = TrendAccumulator()
        small.record(1_000)
        small.merge(trend)
        var expected = reference
        expected.record(1)
        #expect(small.histogram == expected)
        // Decoding makes the whole range at once; values past what a histogram holds are refused, not a trap.
        #expect(TrendAccumulator.decodeHistogram(trend.encodedHistogram) == reference)
        let overflowing = Base64.encode([1, 3, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 1])
        #expect(TrendAccumulator.decodeHistogram(overflowing) == nil)
    }
}
