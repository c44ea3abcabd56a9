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
}
