import ArgumentParser
import Foundation
import GRPCWire
import NIOCore
import NIOPosix

/// `reprise-bench wire-streams`: opens many bidirectional streams at once against an echo server, sends
/// one message on each and waits for every echo while all stay open, then reports resident memory.
struct WireStreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire-streams", abstract: "Resident memory with many concurrent streams open.")

    @Option(help: "Server host.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(help: "Method path (any bidi echo).") var path = "/bench.Echo/Chat"
    @Option(help: "Streams to hold open at once.") var streams = 10_000
    @Option(help: "Connections to spread them over.") var connections = 10
    @Option(help: "Event loop threads.") var threads = 1
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var opened: [ClientConnection] = []
        for _ in 0..<connections {
            opened.append(try await ClientConnection.connect(host: host, port: port, group: group))
        }
        let baseline = ProcessUsage.residentBytes()
        let request = ByteBuffer(bytes: [0x0A, 4, 0x70, 0x69, 0x6E, 0x67])
        var echoed: [EventLoopFuture<[ClientCall]>] = []
        for (index, connection) in opened.enumerated() {
            let share = streams / connections + (index < streams % connections ? 1 : 0)
            let path = self.path
            echoed.append(
                try await connection.eventLoop.submit {
                    let tracker = EchoTracker(expected: share, eventLoop: connection.eventLoop)
                    let calls = (0..<share).map { _ in
                        let call = connection.makeCall(path: path, delegate: tracker)
                        call.send(request)
                        return call
                    }
                    return tracker.allEchoed.futureResult.map { calls }
                }.get())
        }
        var calls: [ClientCall] = []
        for future in echoed { calls += try await future.get() }
        let open = opened.reduce(0) { $0 + $1.openStreams }
        let resident = ProcessUsage.residentBytes()
        for call in calls { call.end() }
        for connection in opened { await connection.close() }
        let report = StreamsReport(
            streams: calls.count, openWhenMeasured: open, residentMegabytes: Double(resident) / 1_048_576,
            baselineMegabytes: Double(baseline) / 1_048_576)
        print(
            json
                ? String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
                : String(
                    format: "%d streams open (%d counted by the connections): %.1f MB resident (%.1f MB before)",
                    report.streams, open, report.residentMegabytes, report.baselineMegabytes))
        try await group.shutdownGracefully()
    }
}

/// Counts first echoes on one connection's streams.
private final class EchoTracker: ClientCallDelegate {
    private var remaining: Int
    let allEchoed: EventLoopPromise<Void>

    init(expected: Int, eventLoop: any EventLoop) {
        remaining = expected
        allEchoed = eventLoop.makePromise()
        if expected == 0 { allEchoed.succeed() }
    }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        remaining -= 1
        if remaining == 0 { allEchoed.succeed() }
    }

    func callFinished(_ call: ClientCall, result: CallResult) {
        // A stream that ends before echoing means the measurement would not hold all streams open.
        if !result.status.isOK && remaining > 0 { allEchoed.fail(result.status) }
    }
}

private struct StreamsReport: Encodable {
    var streams: Int
    var openWhenMeasured: Int
    var residentMegabytes: Double
    var baselineMegabytes: Double
}
