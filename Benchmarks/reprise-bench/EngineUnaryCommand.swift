import ArgumentParser
import Engine
import Foundation
import Metrics
import NIOCore
import NIOPosix

/// `reprise-bench engine-unary`: the engine's closed loop of unary calls (a prepared call restarted from
/// each completion, k6's metrics recorded) against an echo server; reports calls per second and the
/// process's CPU microseconds per call over the measured calls.
struct EngineUnaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-unary", abstract: "Unary calls per second and CPU per call through Engine.Client.")

    @Option(help: "Server host.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(help: "The .proto file declaring the method.") var proto = "bench/peers/echo.proto"
    @Option(help: "The method.") var method = "bench.Echo/Unary"
    @Option(help: "The request as JSON.") var data = #"{"payload":"aGVsbG8gd29ybGQh"}"#
    @Option(help: "Calls measured.") var total = 100_000
    @Option(help: "Calls before measuring.") var warmup = 10_000
    @Option(help: "Calls in flight.") var concurrency = 32
    @Option(help: "Connections (one client each).") var connections = 4
    @Option(help: "Event loop threads.") var threads = 1
    @Flag(help: "Record no metrics (the engine's floor without k6's samples).") var noMetrics = false
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let registry = MetricsRegistry()
        let metrics = noMetrics ? nil : EngineMetrics(registry: registry)
        let url = URL(fileURLWithPath: proto)
        let schemaClient = Client()
        try schemaClient.load(importPaths: [url.deletingLastPathComponent().path], url.lastPathComponent)
        var clients: [Client] = []
        for _ in 0..<connections {
            let client = Client(
                schema: schemaClient.schema,
                configuration: .with {
                    $0.group = group
                    $0.metrics = metrics
                })
            try await client.connect("\(host):\(port)", params: .with { $0.plaintext = true })
            clients.append(client)
        }
        let request = Request.json(data)
        let params = CallParams.with { $0.responseFormat = .protobuf }
        let method = self.method
        let prepare = { (client: Client) throws(EngineError) -> PreparedCall in
            try client.prepare(method, request: request, params: params)
        }
        if warmup > 0 {
            _ = try await ClosedLoop.run(clients: clients, total: warmup, concurrency: concurrency, prepare: prepare)
        }
        let before = ProcessUsage.now()
        let outcome = try await ClosedLoop.run(
            clients: clients, total: total, concurrency: concurrency, prepare: prepare)
        let after = ProcessUsage.now()
        for client in clients { await client.close() }
        await metrics?.close()
        try await group.shutdownGracefully()
        let cpu = (after.user - before.user) + (after.system - before.system)
        let report = EngineUnaryReport(
            calls: outcome.calls, failures: outcome.failed, seconds: after.wall - before.wall,
            callsPerSecond: outcome.callsPerSecond, cpuMicrosecondsPerCall: cpu * 1e6 / Double(max(outcome.calls, 1)))
        print(
            json
                ? String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
                : String(
                    format: "%d calls (%d failed) in %.3f s: %.0f calls/s, %.1f µs CPU per call", report.calls,
                    report.failures, report.seconds, report.callsPerSecond, report.cpuMicrosecondsPerCall))
    }
}

private struct EngineUnaryReport: Encodable {
    var calls: Int
    var failures: Int
    var seconds: Double
    var callsPerSecond: Double
    var cpuMicrosecondsPerCall: Double
}
