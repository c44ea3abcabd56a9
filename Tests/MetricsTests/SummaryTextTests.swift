import Foundation
import TestSupport
import Testing

@testable import Metrics

@Suite struct SummaryTextTests {
    /// A k6 script that records known values into k6 metrics named like ours, with thresholds and checks.
    static let script = """
        import { check, group } from 'k6';
        import { Trend, Counter, Rate, Gauge } from 'k6/metrics';
        const duration = new Trend('grpc_req_duration', true);
        const reqs = new Counter('grpc_reqs');
        const failed = new Rate('grpc_req_failed');
        const myCounter = new Counter('my_counter');
        const myRate = new Rate('my_rate');
        const myGauge = new Gauge('my_gauge');
        const myTrend = new Trend('my_trend');
        export const options = { iterations: 3, vus: 1, thresholds: {
          'grpc_req_duration': ['p(95)<200', 'avg<1'],
          'grpc_req_duration{method:SayHello}': [{threshold: 'max<100', abortOnFail: false}],
          'checks': ['rate>0.5'],
          'my_counter': ['count>1', 'rate<1'],
          'my_gauge': ['value>0'],
          'grpc_req_failed': ['rate<0.5'],
        } };
        export default function () {
          duration.add(12.5, {method: 'SayHello'});
          duration.add(33.75 + __ITER, {method: 'Other'});
          duration.add(1234.5 * (__ITER + 1), {method: 'Other'});
          reqs.add(3);
          failed.add(__ITER == 1);
          myCounter.add(3);
          myRate.add(__ITER % 2);
          myGauge.add(7 + __ITER);
          myTrend.add(1234.5678 * (__ITER + 1) + 0.0078125);
          check(1, { 'status is OK': (v) => v === 1, 'fails': (v) => v === 2 });
          group('g1', function () { check(1, { 'deep': () => true }); });
        }
        """

    /// Thresholds in the script's order (k6's legacy export keys them alphabetically).
    static let thresholdOrder: [String: [String]] = [
        "grpc_req_duration": ["p(95)<200", "avg<1"], "grpc_req_duration{method:SayHello}": ["max<100"],
        "checks": ["rate>0.5"], "my_counter": ["count>1", "rate<1"], "my_gauge": ["value>0"],
        "grpc_req_failed": ["rate<0.5"],
    ]

    static let kinds: [String: (MetricType, ValueKind)] = [
        "grpc_req_duration": (.trend, .time), "grpc_reqs": (.counter, .default), "grpc_req_failed": (.rate, .default),
        "my_counter": (.counter, .default), "my_rate": (.rate, .default), "my_gauge": (.gauge, .default),
        "my_trend": (.trend, .default), "checks": (.rate, .default), "data_sent": (.counter, .data),
        "data_received": (.counter, .data), "iterations": (.counter, .default),
        "iteration_duration": (.trend, .time), "group_duration": (.trend, .time),
    ]

    @Test func layoutMatchesK6ForTheSameValues() throws {
        let k6 = try K6Peer.run(script: Self.script, arguments: ["--summary-export", "export.json"])
        // Foundation's JSONSerialization rounds some 17-digit numbers wrongly on Linux; our parser does not.
        let export = try JSONParser.parse(try k6.file("export.json"), context: "export.json")
        let data = try Self.summaryData(fromLegacyExport: export)
        let ours = SummaryRenderer().render(data)
        let theirs = k6.stdout
        #expect(ours.trimmingCharacters(in: .newlines) == theirs.trimmingCharacters(in: .newlines))
        if ours.trimmingCharacters(in: .newlines) != theirs.trimmingCharacters(in: .newlines) {
            print("--- k6\n\(theirs)\n--- reprise\n\(ours)")
        }
    }

    /// Rebuilds the values k6 showed from its `--summary-export` file (legacy shape: values flat, rates
    /// as `value`, thresholds as `{source: failed}`), with the checks in the script's order.
    static func summaryData(fromLegacyExport export: JSONValue) throws -> SummaryData {
        let metrics = try #require(export["metrics"]?.objectMembers)
        let iterationCount = try #require(export["metrics"]?["iterations"]?["count"]?.doubleValue)
        let iterationRate = try #require(export["metrics"]?["iterations"]?["rate"]?.doubleValue)
        let nanoseconds = Int64((iterationCount / iterationRate * 1e9).rounded())
        var result: [SummaryData.MetricValues] = []
        for (name, raw) in metrics {
            let parent = String(name.prefix { $0 != "{" })
            let (type, contains) = try #require(kinds[parent], "unexpected metric \(name)")
            var values: [String: Double] = [:]
            var failedFlags: [String: Bool] = [:]
            for (key, value) in raw.objectMembers ?? [] {
                if key == "thresholds" {
                    for (source, flag) in value.objectMembers ?? [] { failedFlags[source] = flag.boolValue }
                } else if let number = value.doubleValue {
                    values[key == "value" && type == .rate ? "rate" : key] = number
                }
            }
            let thresholds = (thresholdOrder[name] ?? []).map { source in
                SummaryMetric.Threshold(source: source, ok: !(failedFlags[source] ?? true))
            }
            result.append(.init(name: name, type: type, contains: contains, values: values, thresholds: thresholds))
        }
        var root = SummaryGroup(path: .root)
        root.add(check: "status is OK", in: .root, passes: 3, fails: 0)
        root.add(check: "fails", in: .root, passes: 0, fails: 3)
        root.add(check: "deep", in: try GroupPath.root.child("g1"), passes: 3, fails: 0)
        return SummaryData(metrics: result, rootGroup: root, testRunDuration: .nanoseconds(nanoseconds))
    }

    @Test func summaryOfARunShowsK6sSectionsAndFormats() throws {
        let registry = MetricsRegistry()
        let sink = registry.makeSink()
        let call = GRPCCallSeries(
            registry: registry,
            tags: GRPCCallSeries.callTags(address: "127.0.0.1:1", path: "/helloworld.Greeter/SayHello"))
        for duration: Int64 in [1_500_000, 750_000, 2_000_000] {
            sink.recordCall(call, status: 0, nanoseconds: duration)
        }
        sink.add(call.streams, 1)
        sink.add(call.messagesReceived, 2)
        sink.add(registry.counter(registry.builtin.dataReceived), 4100)
        sink.add(registry.counter(registry.builtin.dataSent), 762)
        sink.add(registry.counter(registry.builtin.iterations), 1)
        sink.add(registry.trend(registry.builtin.iterationDuration), nanoseconds: 1_250_000_000)
        _ = try sink.check(0, ["status is OK": { $0 == 0 }])
        sink.flush()
        registry.set(registry.gauge(registry.builtin.vus), to: 1)
        let sets = try ThresholdParser.parse(arguments: ["grpc_req_duration=p(95)<200", "grpc_req_duration=p(99)<1"])
        let evaluator = try ThresholdEvaluator(registry: registry, sets: sets)
        let elapsed = Duration.milliseconds(1163)
        let summary = Summary.build(
            snapshot: registry.snapshot(), thresholds: sets, verdict: evaluator.finish(elapsed: elapsed),
            testRunDuration: elapsed)
        let text = SummaryRenderer().render(summary)
        // Plain names are counted twice in k6's width: the longest (grpc_streams_msgs_received, 26) sets it.
        func row(_ name: String, _ data: String) -> String {
            "    " + name + String(repeating: ".", count: 55 - name.count) + ": " + data
        }
        let expectedLines = [
            "  █ THRESHOLDS ",
            "    grpc_req_duration",
            "    ✓ 'p(95)<200' p(95)=1.95ms",
            "    ✗ 'p(99)<1' p(99)=1.99ms",  // not a column: computed for the threshold, as k6 does
            "  █ TOTAL RESULTS ",
            "    checks_total.......................: 1       0.859845/s",
            "    checks_succeeded...................: 100.00% 1 out of 1",
            "    checks_failed......................: 0.00%   0 out of 1",
            "    ✓ status is OK",
            row("grpc_req_duration", "avg=1.41ms min=750µs med=1.5ms max=2ms   p(90)=1.9ms p(95)=1.95ms"),
            row("grpc_req_failed", "0.00%  0 out of 3"),
            row("grpc_reqs", "3      2.579536/s"),
            row("grpc_streams", "1      0.859845/s"),
            row("grpc_streams_msgs_received", "2      1.71969/s"),
            row("data_received", "4.1 kB 3.5 kB/s"),
            row("data_sent", "762 B  655 B/s"),
            row("iteration_duration", "avg=1.25s  min=1.25s med=1.25s max=1.25s p(90)=1.25s p(95)=1.25s "),
            row("iterations", "1      0.859845/s"),
            row("vus", "1      min=1      max=1"),
        ]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in expectedLines { #expect(lines.contains(line), "missing line: \(line)\n\(text)") }
        let sections = lines.filter { ["    CUSTOM", "    EXECUTION", "    NETWORK", "    GRPC"].contains($0) }
        #expect(sections == ["    EXECUTION", "    NETWORK", "    GRPC"])
    }
}
