import Foundation
import TestSupport
import Testing

@testable import Metrics

@Suite struct JSONLinesOutputTests {
    static let fixedTime: Int64 = 1_787_306_400_123_456_789  // 2026-08-21T10:00:00.123456789Z

    /// Records a small, fixed set of samples through a sink into a JSON lines file and returns its lines.
    static func writeSamples(to path: String, thresholds: [ThresholdSet]) throws -> [String] {
        try recordSamples(to: path, thresholds: thresholds)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    static func recordSamples(to path: String, thresholds: [ThresholdSet]) throws {
        try recordSamples(into: JSONLinesOutput(path: path, thresholds: thresholds))
    }

    /// The samples every output test writes (each output's own tests add theirs in `more`), then closes it.
    static func recordSamples(
        into output: any MetricsOutput, more: (MetricsRegistry, MetricsSink, TagSet) throws -> Void = { _, _, _ in }
    ) throws {
        let registry = MetricsRegistry(outputs: [output])
        let sink = registry.makeSink()
        let base: TagSet = ["group": "", "scenario": "default"]
        let duration = registry.trend(registry.builtin.grpcReqDuration, base.adding("method", "SayHello"))
        let requests = try registry.define("my_counter", .counter)
        let rate = try registry.define("my_rate", .rate)
        sink.add(duration, 12.5, at: fixedTime)
        sink.add(duration, 0.00001234, at: fixedTime + 1)
        sink.add(registry.counter(requests, base), 1_234_567, at: fixedTime + 2)
        sink.add(registry.rate(rate, base), false, at: fixedTime + 3)
        sink.add(duration, nanoseconds: 33_750_000, at: fixedTime + 1_000_000_000)
        try more(registry, sink, base)
        sink.flush()
        registry.set(registry.gauge(registry.builtin.vus, base), to: 3, at: fixedTime + 4)
        try output.close()
    }

    static let thresholds: [ThresholdSet] = {
        try! ThresholdParser.parse(arguments: [
            "grpc_req_duration=p(95)<200",
            #"grpc_req_duration={"threshold":"avg<5","abortOnFail":true,"delayAbortEval":"10s"}"#,
            "grpc_req_duration{method:SayHello}=max<100",
        ])
    }()

    @Test func linesFollowK6sFormat() throws {
        let directory = try TemporaryDirectory()
        let lines = try Self.writeSamples(to: directory.path("out.json").path, thresholds: Self.thresholds)
        #expect(
            lines.first
                == #"{"type":"Metric","data":{"name":"grpc_req_duration","type":"trend","contains":"time","thresholds":["p(95)<200",{"threshold":"avg<5","abortOnFail":true,"delayAbortEval":"10s"}],"submetrics":[{"name":"grpc_req_duration{method:SayHello}","suffix":"method:SayHello","tags":{"method":"SayHello"}}]},"metric":"grpc_req_duration"}"#
        )
        #expect(
            lines.contains(
                #"{"metric":"grpc_req_duration","type":"Point","data":{"time":"2026-08-21T10:00:00.123456789Z","value":12.5,"tags":{"group":"","method":"SayHello","scenario":"default"}}}"#
            ))
        #expect(lines.contains { $0.contains(#""time":"2026-08-21T10:00:01.123456789Z","value":33.75,"#) })
        #expect(lines.contains { $0.contains(#""value":1.234e-05,"#) })
        #expect(
            lines.contains {
                $0.contains(
                    #"{"metric":"my_counter","type":"Point","data":{"time":"2026-08-21T10:00:00.123456791Z","value":1.234567e+06,"#
                )
            })

        // Parsed back: every point's metric is described once, before its first point.
        var described = Set<String>()
        var points = 0
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let metric = try #require(object["metric"] as? String)
            let data = try #require(object["data"] as? [String: Any])
            switch object["type"] as? String {
            case "Metric":
                #expect(!described.contains(metric))
                described.insert(metric)
                #expect(data["name"] as? String == metric)
            case "Point":
                points += 1
                #expect(described.contains(metric))
                #expect(data["metadata"] == nil)
                #expect(data["value"] is NSNumber)
                #expect(data["tags"] is [String: String])
            default:
                Issue.record("unexpected line \(line)")
            }
        }
        #expect(points == 6)
        #expect(described == ["grpc_req_duration", "my_counter", "my_rate", "vus"])
    }

    @Test func gzSuffixWritesGzip() throws {
        let directory = try TemporaryDirectory()
        let plain = try Self.writeSamples(to: directory.path("out.json").path, thresholds: Self.thresholds)
        let gzPath = directory.path("out.json.gz").path
        try Self.recordSamples(to: gzPath, thresholds: Self.thresholds)
        #expect(try Self.gunzippedLines(gzPath) == plain)
    }

    /// The lines of a gzipped file, read back by Python's gzip.
    static func gunzippedLines(_ path: String) throws -> [String] {
        let script = "import gzip,sys; sys.stdout.write(gzip.open(sys.argv[1], 'rt').read())"
        let text = try Subprocess.check([try Repository.python(), "-c", script, path]).stdoutText
        return text.split(separator: "\n").map(String.init)
    }

    /// A k6 script that adds the samples ``recordSamples(into:more:)`` records, then `more` (JavaScript).
    static func k6Script(thresholds: String = "", more: String = "") -> String {
        """
        import { Trend, Counter, Rate } from 'k6/metrics';
        const d = new Trend('grpc_req_duration', true);
        const c = new Counter('my_counter');
        const r = new Rate('my_rate');
        export const options = { iterations: 1, vus: 1\(thresholds) };
        export default function () {
          d.add(12.5, {method: 'SayHello'});
          d.add(0.00001234, {method: 'SayHello'});
          c.add(1234567);
          r.add(false);
          d.add(33.75, {method: 'SayHello'});
          \(more)
        }
        """
    }

    @Test func metricAndPointLinesMatchRealK6ForTheSameSamples() throws {
        let k6 = try K6Peer.run(
            script: Self.k6Script(
                thresholds: """
                    , thresholds: {
                      'grpc_req_duration': ['p(95)<200', {threshold: 'avg<5', abortOnFail: true, delayAbortEval: '10s'}],
                      'grpc_req_duration{method:SayHello}': ['max<100'] }
                    """), arguments: ["--out", "json=out.json"])
        let theirs = try k6.file("out.json").split(separator: "\n").map(String.init).filter {
            ["grpc_req_duration", "my_counter", "my_rate"].contains(Self.metricName($0))
        }
        let directory = try TemporaryDirectory()
        let ours = try Self.writeSamples(to: directory.path("out.json").path, thresholds: Self.thresholds).filter {
            ["grpc_req_duration", "my_counter", "my_rate"].contains(Self.metricName($0))
        }
        // Same lines in the same order, byte for byte once the wall-clock times are masked.
        #expect(ours.map(Self.maskTime) == theirs.map(Self.maskTime))
        for line in theirs where line.contains("\"Point\"") {
            #expect(Self.timeText(line).wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z/) != nil)
        }
    }

    static func metricName(_ line: String) -> String {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["metric"] as? String ?? ""
    }

    static func timeText(_ line: String) -> Substring {
        guard let match = line.firstMatch(of: /"time":"([^"]*)"/) else { return "" }
        return match.1
    }

    static func maskTime(_ line: String) -> String {
        line.replacing(/"time":"[^"]*"/, with: #""time":"T""#)
    }
}
