import Foundation
import MetricsExporter
import TestSupport
import Testing

@testable import Metrics

@Suite struct PrometheusExporterTests {
    @Test func metricsPageParsesWithPrometheusClientAndCarriesTheTotals() async throws {
        let registry = MetricsRegistry()
        let sink = registry.makeSink()
        let call = GRPCCallSeries(
            registry: registry,
            tags: GRPCCallSeries.callTags(address: "127.0.0.1:1", path: "/helloworld.Greeter/SayHello"))
        for duration: Int64 in [1_000_000, 2_000_000, 3_000_000, 4_000_000] {
            sink.recordCall(call, status: 0, nanoseconds: duration)
        }
        sink.recordCall(call, status: 14, nanoseconds: 500_000)
        sink.add(registry.counter(registry.builtin.dataSent), 1234)
        _ = try sink.check("x", ["has \"quotes\"\\": { _ in true }])
        sink.flush()
        registry.set(registry.gauge(registry.builtin.vus), to: 7)

        let server = try await MetricsHTTPServer.start(registry: registry)
        defer { Task { try? await server.stop() } }
        let script = """
            import sys, json, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics").read().decode()
            out = {}
            for family in text_string_to_metric_families(body):
                for s in family.samples:
                    out.setdefault(family.name + "|" + family.type, []).append([s.name, s.labels, s.value])
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/other")
                out["other"] = 200
            except urllib.error.HTTPError as error:
                out["other"] = error.code
            print(json.dumps(out))
            """
        let output = try await Subprocess.check([try Repository.python(), "-c", script, String(server.port)]).stdoutText
        let families = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(families["other"] as? Int == 404)

        let requests = try #require(families["reprise_grpc_reqs|counter"] as? [[Any]])
        let byStatus = Dictionary(
            uniqueKeysWithValues: requests.map {
                (($0[1] as? [String: String])?["status"] ?? "", $0[2] as? Double ?? -1)
            })
        #expect(byStatus == ["0": 4, "14": 1])
        #expect((requests.first?[1] as? [String: String])?["method"] == "SayHello")

        let durations = try #require(families["reprise_grpc_req_duration_seconds|summary"] as? [[Any]])
        let okSeries = durations.filter { ($0[1] as? [String: String])?["status"] == "0" }
        let count = okSeries.first { ($0[0] as? String) == "reprise_grpc_req_duration_seconds_count" }?[2] as? Double
        let sum = okSeries.first { ($0[0] as? String) == "reprise_grpc_req_duration_seconds_sum" }?[2] as? Double
        let median = okSeries.first { ($0[1] as? [String: String])?["quantile"] == "0.5" }?[2] as? Double
        #expect(count == 4)
        #expect(abs((sum ?? 0) - 0.010) < 1e-12)
        #expect(abs((median ?? 0) - 0.0025) <= 0.0000005 + 0.0025 / 2048)  // the documented histogram accuracy

        let failed = try #require(families["reprise_grpc_req_failed_rate|gauge"] as? [[Any]])
        #expect(failed.contains { ($0[1] as? [String: String])?["status"] == "14" && $0[2] as? Double == 1 })
        let data = try #require(families["reprise_data_sent_bytes|counter"] as? [[Any]])
        #expect(data.first?[2] as? Double == 1234)
        let vus = try #require(families["reprise_vus|gauge"] as? [[Any]])
        #expect(vus.first?[2] as? Double == 7)
        let checks = try #require(families["reprise_checks_rate|gauge"] as? [[Any]])
        #expect((checks.first?[1] as? [String: String])?["check"] == "has \"quotes\"\\")
    }
}
