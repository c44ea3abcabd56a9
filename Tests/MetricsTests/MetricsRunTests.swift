import Foundation
import TestSupport
import Testing

@testable import Metrics

@Suite struct MetricsRunTests {
    @Test func commandLineOptionsDriveARunToItsSummaryFilesAndExitCode() throws {
        let directory = try TemporaryDirectory()
        let samplesPath = directory.path("samples.json.gz").path
        let exportPath = directory.path("summary.json").path
        let configuration = try MetricsRunConfiguration(
            thresholdArguments: [
                "grpc_req_duration=p(95)<20", "grpc_req_failed=rate<0.5", "grpc_req_duration{method:SayHello}=max<100",
            ],
            outputArguments: ["json=\(samplesPath)"], summaryExport: exportPath)
        let run = try MetricsRun(configuration: configuration)
        let sink = run.registry.makeSink()
        let call = GRPCCallSeries(
            registry: run.registry,
            tags: GRPCCallSeries.callTags(address: "127.0.0.1:9", path: "/helloworld.Greeter/SayHello"))
        for index in 0..<100 {
            sink.recordCall(call, status: index < 10 ? 14 : 0, nanoseconds: Int64(index) * 500_000)
        }
        sink.flush()
        #expect(run.tick(elapsed: .seconds(2)).results.count == 3)
        let report = try run.finish(elapsed: .seconds(3))

        #expect(report.exitCode == 99)
        #expect(report.verdict.results.map(\.ok) == [false, true, true])
        #expect(report.failureMessage == "thresholds on metrics 'grpc_req_duration' have been crossed")
        #expect(report.text.contains("✗ 'p(95)<20' p(95)=47.0"))  // 47.025 ms within the histogram's 1/2048
        #expect(report.text.contains("{method:SayHello}"))
        let exported = try Summary.read(from: exportPath)
        #expect(exported == report.summary)
        let script = "import gzip,sys; print(sum(1 for l in gzip.open(sys.argv[1], 'rt') if '\"Point\"' in l))"
        let points = try Subprocess.check([try Repository.python(), "-c", script, samplesPath]).stdoutText
        #expect(points.trimmingCharacters(in: .whitespacesAndNewlines) == "300")
    }

    @Test func badOptionsFailBeforeTheRunStarts() throws {
        #expect(throws: MetricsError.self) { try MetricsRunConfiguration(thresholdArguments: ["grpc_req_duration"]) }
        #expect(throws: MetricsError.self) {
            try MetricsRunConfiguration(thresholdArguments: [], outputArguments: ["influxdb=http://localhost:8086"])
        }
        #expect(throws: MetricsError.self) {
            try MetricsRunConfiguration(thresholdArguments: [], summaryTrendStats: "avg,p99")
        }
        let unknown = try MetricsRunConfiguration(thresholdArguments: ["grpc_latency=p(95)<1"])
        let error = #expect(throws: MetricsError.self) { try MetricsRun(configuration: unknown) }
        #expect(error?.code == .unknownMetric)
    }
}
