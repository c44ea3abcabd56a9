import Foundation
import TestSupport
import Testing

@testable import Metrics

@Suite struct SummaryMergeTests {
    static let thresholds = try! ThresholdParser.parse(arguments: [
        "grpc_req_duration=p(95)<50", "grpc_req_duration{status:14}=max<1000", "checks=rate>0.8",
        "grpc_reqs=count>1500", "vus=value>0",
    ])
    static let duration = Duration.milliseconds(12_345)

    /// A "process" that saw every `parts`-th sample starting at `part` (parts == 1: the whole run).
    static func summary(part: Int, of parts: Int) throws -> Summary {
        let registry = MetricsRegistry()
        let sink = registry.makeSink()
        let call = GRPCCallSeries(
            registry: registry, tags: GRPCCallSeries.callTags(address: "127.0.0.1:1", path: "/a.B/C"))
        let samples = Samples.durations(count: 3000, seed: 77)
        let login = try GroupPath.root.child("login")
        let okCheck = try registry.check("status is OK")
        let fastCheck = try registry.check("fast", group: login)
        for index in stride(from: part, to: samples.count, by: parts) {
            let status = index % 7 == 0 ? 14 : 0
            sink.recordCall(call, status: status, nanoseconds: samples[index])
            sink.record(check: okCheck, passed: status == 0)
            sink.record(check: fastCheck, passed: samples[index] < 50_000_000)
            sink.add(registry.groupDuration(login), nanoseconds: samples[index] / 2)
            sink.add(registry.counter(registry.builtin.dataSent), 120)
            sink.add(registry.counter(registry.builtin.iterations), 1)
        }
        sink.flush()
        registry.set(registry.gauge(registry.builtin.vus), to: 5)
        let evaluator = try ThresholdEvaluator(registry: registry, sets: thresholds)
        let verdict = evaluator.finish(elapsed: duration)
        return Summary.build(
            snapshot: registry.snapshot(), thresholds: thresholds, verdict: verdict, testRunDuration: duration)
    }

    @Test(arguments: [2, 3])
    func mergedSummariesEqualTheSummaryOfTheWholeRun(parts: Int) throws {
        let whole = try Self.summary(part: 0, of: 1)
        let directory = try TemporaryDirectory()
        var pieces: [Summary] = []
        for part in 0..<parts {
            let path = directory.path("part\(part).json").path
            try Self.summary(part: part, of: parts).write(to: path)
            pieces.append(try Summary.read(from: path))
        }
        let merged = try Summary.merge(pieces)
        // Gauges add across processes (each has its own VUs): compare them apart.
        guard case .gauge(let vus) = merged.metrics["vus"]?.aggregate else {
            Issue.record("vus is not a gauge")
            return
        }
        #expect(vus.value == 5 * Double(parts))
        var mergedRest = merged
        var wholeRest = whole
        mergedRest.metrics["vus"] = nil
        wholeRest.metrics["vus"] = nil
        #expect(mergedRest.metrics == wholeRest.metrics)
        #expect(merged.rootGroup == whole.rootGroup)
        #expect(merged.testRunDuration == whole.testRunDuration)
        // Thresholds are judged on the merged data: each part has too few requests, the whole has enough.
        #expect(pieces.allSatisfy { $0.metrics["grpc_reqs"]?.thresholds.first?.ok == false })
        #expect(merged.metrics["grpc_reqs"]?.thresholds.first?.ok == true)
        #expect(
            mergedRest.metrics["grpc_req_duration"]?.thresholds == wholeRest.metrics["grpc_req_duration"]?.thresholds)
        #expect(SummaryRenderer().render(mergedRest) == SummaryRenderer().render(wholeRest))
    }

    @Test func summaryJSONRoundTripsExactly() throws {
        let summary = try Self.summary(part: 0, of: 1)
        let decoded = try Summary.decode(summary.jsonText(), source: "test")
        #expect(decoded == summary)
    }

    @Test func summaryJSONHasK6sHandleSummaryShape() throws {
        let summary = try Self.summary(part: 0, of: 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(summary.jsonText().utf8)) as? [String: Any])
        let state = try #require(object["state"] as? [String: Any])
        #expect(state["testRunDurationMs"] as? Double == 12345)
        let metrics = try #require(object["metrics"] as? [String: [String: Any]])
        let duration = try #require(metrics["grpc_req_duration"])
        #expect(duration["type"] as? String == "trend")
        #expect(duration["contains"] as? String == "time")
        let values = try #require(duration["values"] as? [String: Double])
        #expect(Set(values.keys) == ["avg", "min", "med", "max", "p(90)", "p(95)"])
        #expect((duration["thresholds"] as? [String: [String: Bool]])?["p(95)<50"] != nil)
        #expect(metrics["grpc_req_duration{status:14}"] != nil)
        #expect(
            Set((metrics["checks"]?["values"] as? [String: Double])?.keys ?? [:].keys) == ["rate", "passes", "fails"])
        #expect(Set((metrics["grpc_reqs"]?["values"] as? [String: Double])?.keys ?? [:].keys) == ["count", "rate"])
        let root = try #require(object["root_group"] as? [String: Any])
        #expect(root["id"] as? String == "d41d8cd98f00b204e9800998ecf8427e")
        let checks = try #require(root["checks"] as? [[String: Any]])
        #expect(checks.first?["path"] as? String == "::status is OK")
        #expect(checks.first?["id"] as? String == "d83a99fb6db0de09e9f0d32dd8d2e9d5")
        let groups = try #require(root["groups"] as? [[String: Any]])
        #expect(groups.first?["path"] as? String == "::login")
        #expect(groups.first?["id"] as? String == "a7d10b3a6c9a385ee254f0dbc7f9c8c9")
    }

    @Test func mergingSummariesOfDifferentKindsIsAClearError() throws {
        var first = try Self.summary(part: 0, of: 1)
        var second = first
        second.metrics["grpc_reqs"] = SummaryMetric(
            type: .trend, contains: .default, aggregate: .trend(TrendAccumulator()))
        first.metrics["grpc_req_duration{status:14}"] = nil
        let error = #expect(throws: MetricsError.self) { try Summary.merge([first, second]) }
        #expect(
            error?.message.contains("metric 'grpc_reqs' is a counter in one summary and a trend in another") == true)
    }

    @Test func mergeCommandMergesFilesAndExitsLikeK6() throws {
        let directory = try TemporaryDirectory()
        let paths = try (0..<2).map { part -> String in
            let path = directory.path("p\(part).json").path
            try Self.summary(part: part, of: 2).write(to: path)
            return path
        }
        let mergedPath = directory.path("merged.json").path
        let binary = Repository.root.appendingPathComponent(".build/debug/reprise").path
        let output = try Subprocess.run([binary, "metrics", "merge"] + paths + ["-o", mergedPath])
        let merged = try Summary.read(from: mergedPath)
        #expect(merged == (try Summary.merge(try paths.map { try Summary.read(from: $0) })))
        #expect(output.stdoutText.contains("█ THRESHOLDS"))
        #expect(output.stdoutText.contains("grpc_req_duration.."))
        // p(95)<50 fails on these samples, so the exit code is k6's 99 with k6's message.
        #expect(output.status == 99)
        #expect(output.stderrText.contains("thresholds on metrics 'grpc_req_duration' have been crossed"))

        let broken = try directory.write("broken.json", "{\"metrics\": 1}")
        let failure = try Subprocess.run([binary, "metrics", "merge", broken.path])
        #expect(failure.status == 66)  // an unreadable input (README, "Exit statuses")
        #expect(failure.stderrText.contains("broken.json"))
        // k6's own --summary-export (percentiles, no state, no type): said as such.
        let k6 = try directory.write(
            "k6.json", #"{"metrics":{"grpc_req_duration":{"avg":30.8,"med":27.2,"p(95)":69.4}},"root_group":{}}"#)
        let k6Merge = try Subprocess.run([binary, "metrics", "merge", k6.path])
        #expect(k6Merge.status == 66)
        #expect(
            k6Merge.stderrText.contains(
                "metric 'grpc_req_duration' has no \"raw\" state; only summaries written by reprise can be merged"),
            "\(k6Merge.stderrText)")
        let missing = try Subprocess.run([
            binary, "metrics", "merge", directory.url.appendingPathComponent("absent.json").path,
        ])
        #expect(missing.status == 66)
        #expect(missing.stderrText.contains("absent.json': No such file or directory"))
    }
}
