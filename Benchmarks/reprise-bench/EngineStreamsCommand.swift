import ArgumentParser
import Engine
import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import Synchronization

/// `reprise-bench engine-streams`: opens many k6-style `Stream`s at once against an echo server, writes one
/// message on each and waits for every echo while all stay open, then reports resident memory.
struct EngineStreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-streams", abstract: "Resident memory with many Engine streams open.")

    @Option(help: "Server host.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(help: "The .proto file declaring the method.") var proto = "bench/peers/echo.proto"
    @Option(help: "A bidirectional echo method.") var method = "bench.Echo/Chat"
    @Option(help: "Streams to hold open at once.") var streams = 10_000
    @Option(help: "Connections (one client each).") var connections = 10
    @Option(help: "Event loop threads.") var threads = 1
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let url = URL(fileURLWithPath: proto)
        let schemaClient = Client()
        try schemaClient.load(importPaths: [url.deletingLastPathComponent().path], url.lastPathComponent)
        var clients: [Client] = []
        for _ in 0..<connections {
            let client = Client(schema: schemaClient.schema, configuration: .with { $0.group = group })
            try await client.connect("\(host):\(port)", params: .with { $0.plaintext = true })
            clients.append(client)
        }
        let baseline = ProcessUsage.residentBytes()
        let echoed = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        let request = Request.protobuf([0x0A, 4, 0x70, 0x69, 0x6E, 0x67])
        var opened: [GRPCStream] = []
        opened.reserveCapacity(streams)
        for index in 0..<streams {
            let stream = try GRPCStream(clients[index % clients.count], method)
            stream.on(.data) { _, _ in echoed.add(1, ordering: .relaxed) }
            stream.on(.error) { _, _ in failed.add(1, ordering: .relaxed) }
            stream.write(request)
            opened.append(stream)
        }
        while echoed.load(ordering: .relaxed) + failed.load(ordering: .relaxed) < streams {
            try await Task.sleep(for: .milliseconds(20))
        }
        let open = clients.reduce(0) { $0 + ($1.connection?.openStreams ?? 0) }
        let resident = ProcessUsage.residentBytes()
        for stream in opened { stream.end() }
        for stream in opened { await stream.ended() }
        for client in clients { await client.close() }
        try await group.shutdownGracefully()
        let report = EngineStreamsReport(
            streams: streams, echoed: echoed.load(ordering: .relaxed), openWhenMeasured: open,
            residentMegabytes: Double(resident) / 1_048_576, baselineMegabytes: Double(baseline) / 1_048_576)
        print(
            json
                ? String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
                : String(
                    format:
                        "%d streams open (%d echoed, %d counted by the connections): %.1f MB resident (%.1f MB before)",
                    report.streams, report.echoed, open, report.residentMegabytes, report.baselineMegabytes))
    }
}

private struct EngineStreamsReport: Encodable {
    var streams: Int
    var echoed: Int
    var openWhenMeasured: Int
    var residentMegabytes: Double
    var baselineMegabytes: Double
}
