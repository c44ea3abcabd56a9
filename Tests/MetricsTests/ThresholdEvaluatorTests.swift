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
        // An empty trend reads 0 (passes), an empty rate has no value and its thresholds pass (as k6 v1.1.0:
        // see `thresholdsOnMetricsWithoutSamplesAgreeWithK6`), an empty counter counts 0.
        #expect(verdict.results.map(\.ok) == [true, true, true])
    }

    /// The same thresholds on metrics that got no sample, judged by k6 v1.1.0 and by us: every one must
    /// come out the same, and so must the exit code.
    @Test func thresholdsOnMetricsWithoutSamplesAgreeWithK6() throws {
        let thresholds: [(metric: String, expressions: [String])] = [
            ("checks", ["rate>=0", "rate==1", "rate<0.5", "rate>0.9"]),
            ("grpc_req_duration", ["p(95)<200", "avg>10", "max==0", "min>0"]),
            ("grpc_streams", ["count==0", "count>1", "rate>=0"]),
            ("data_sent", ["count<1"]),
            ("vus", ["value>100", "value==0"]),
        ]
        let literal = thresholds.map { metric, expressions in
            "\(metric): [\(expressions.map { "'\($0)'" }.joined(separator: ", "))]"
        }.joined(separator: ",\n    ")
        let script = """
            import grpc from 'k6/net/grpc';
            export const options = {
              iterations: 1,
              thresholds: {
                \(literal)
              },
            };
            export default function () {}
            """
        let k6 = try K6Peer.run(script: script, arguments: ["--summary-export", "export.json"])
        let export = try JSONParser.parse(try k6.file("export.json"), context: "k6's summary export")
        let metrics = try #require(export["metrics"])

        let registry = MetricsRegistry()
        let sets = try ThresholdParser.parse(
            arguments: thresholds.flatMap { metric, expressions in expressions.map { "\(metric)=\($0)" } })
        let verdict = try ThresholdEvaluator(registry: registry, sets: sets).finish(elapsed: .seconds(1))
        var k6Crossed: [String] = []
        for result in verdict.results {
            // k6's export says `true` for a threshold that was crossed.
            guard case .bool(let crossed) = metrics[result.selector.key]?["thresholds"]?[result.source] else {
                Issue.record("k6's export has no threshold \(result.selector.key): \(result.source)")
                continue
            }
            #expect(result.ok == !crossed, "\(result.selector.key): \(result.source)")
            if crossed { k6Crossed.append("\(result.selector.key): \(result.source)") }
        }
        #expect(!k6Crossed.isEmpty && k6Crossed.count < verdict.results.count)
        #expect(verdict.exitCode == (k6Crossed.isEmpty ? 0 : 99))
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
