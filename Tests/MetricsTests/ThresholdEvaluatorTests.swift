import Synchronization
import Testing

@testable import Metrics

@Suite struct ThresholdEvaluatorTests {
    final class AbortLog: Sendable {
        let aborts = Mutex<[ThresholdAbort]>([])
        var count: Int { aborts.withLock { $0.count } }
    }

    @Test func abortOnFailWaitsForItsDelayAndFiresOnce() throws {
        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(arguments: [
            #"grpc_req_duration={"threshold":"p(95)<10","abortOnFail":true,"delayAbortEval":"10s"}"#
        ])
        let log = AbortLog()
        let evaluator = try ThresholdEvaluator(registry: registry, sets: sets) { abort in
            log.aborts.withLock { $0.append(abort) }
        }
        // No samples yet: skipped while running, as k6 does.
        #expect(evaluator.tick(elapsed: .seconds(2)).results.isEmpty)
        let sink = registry.makeSink()
        sink.add(registry.trend(registry.builtin.grpcReqDuration), 50.0)
        sink.flush()
        let early = evaluator.tick(elapsed: .seconds(4))
        #expect(!early.passed)
        #expect(log.count == 0)
        evaluator.tick(elapsed: .seconds(12))
        evaluator.tick(elapsed: .seconds(14))
        #expect(log.count == 1)
        #expect(evaluator.hasAborted)
        #expect(log.aborts.withLock { $0.first?.failedMetrics } == ["grpc_req_duration"])
    }

    @Test func abortOnFailWithoutDelayFiresAtTheFirstFailure() throws {
        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(arguments: [#"checks={"threshold":"rate>0.9","abortOnFail":true}"#])
        let log = AbortLog()
        let evaluator = try ThresholdEvaluator(registry: registry, sets: sets) { abort in
            log.aborts.withLock { $0.append(abort) }
        }
        let sink = registry.makeSink()
        #expect(try sink.check(5, ["is five": { $0 == 5 }, "is six": { $0 == 6 }]) == false)
        sink.flush()
        evaluator.tick(elapsed: .milliseconds(1))
        #expect(log.count == 1)
    }

    @Test func finalVerdictGivesExitCode99AndK6sMessage() throws {
        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(arguments: [
            "grpc_req_duration=p(95)<200", "grpc_req_duration=avg<1", "grpc_reqs=count>1", "grpc_reqs=rate>=0.5",
            "grpc_req_failed=rate<0.1",
        ])
        let evaluator = try ThresholdEvaluator(registry: registry, sets: sets)
        let sink = registry.makeSink()
        let call = GRPCCallSeries(registry: registry, tags: [:])
        sink.recordCall(call, status: 0, nanoseconds: 12_500_000)
        sink.recordCall(call, status: 0, nanoseconds: 35_750_000)
        sink.flush()
        let verdict = evaluator.finish(elapsed: .seconds(4))
        #expect(verdict.results.map(\.ok) == [true, false, true, true, true])
        #expect(verdict.results[1].observed == 24.125)
        #expect(verdict.results[3].observed == 0.5)
        #expect(verdict.exitCode == 99)
        #expect(verdict.failureMessage == "thresholds on metrics 'grpc_req_duration' have been crossed")
    }

    @Test func emptyMetricsAreJudgedAtTheEndLikeK6() throws {
        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(arguments: [
            "grpc_req_duration=p(95)<200", "checks=rate>0.5", "grpc_streams=count<1",
        ])
        let evaluator = try ThresholdEvaluator(registry: registry, sets: sets)
        let verdict = evaluator.finish(elapsed: .seconds(1))
        // An empty trend reads 0 (passes), an empty rate is NaN (fails), an empty counter counts 0.
        #expect(verdict.results.map(\.ok) == [true, false, true])
    }

    @Test func subMetricThresholdsSeeOnlyMatchingSeries() throws {
        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(arguments: ["grpc_req_duration{method: Fast}=max<10"])
        let evaluator = try ThresholdEvaluator(registry: registry, sets: sets)
        let sink = registry.makeSink()
        sink.add(registry.trend(registry.builtin.grpcReqDuration, ["method": "Fast", "status": "0"]), 5.0)
        sink.add(registry.trend(registry.builtin.grpcReqDuration, ["method": "Slow", "status": "0"]), 500.0)
        sink.flush()
        let verdict = evaluator.finish(elapsed: .seconds(1))
        #expect(verdict.passed)
        #expect(verdict.results[0].observed == 5)
    }
}
