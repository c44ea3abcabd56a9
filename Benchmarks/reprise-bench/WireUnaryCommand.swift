import ArgumentParser
import Foundation
import GRPCWire
import NIOCore
import NIOPosix

/// `reprise-bench wire-unary`: a fixed number of unary calls, `concurrency` in flight at once over
/// `connections` connections, driven by callbacks on the event loops (the engine's hot path: no Task per
/// call). Prints calls per second and the process's CPU time per call.
struct WireUnaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire-unary", abstract: "Unary call loop on GRPCWire's client, for bench/bench-wire.sh.")

    @Option(help: "Server host.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(help: "Method path.") var path = "/bench.Echo/Unary"
    @Option(help: "Calls to measure.") var total = 100_000
    @Option(help: "Calls in flight at once.") var concurrency = 32
    @Option(help: "Connections to spread them over.") var connections = 4
    @Option(help: "Event loop threads.") var threads = 1
    @Option(help: "Per-call timeout in ms (k6's invoke default is 2 minutes); 0 for none.") var timeoutMs = 120_000
    @Option(help: "Request payload (sent as protobuf field 1, bytes).") var payload = "hello world!"
    @Option(help: "Unmeasured calls first (default: a tenth of --total, at most 5000).") var warmup: Int?
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func validate() throws {
        guard total > 0, concurrency > 0, connections > 0, concurrency >= connections else {
            throw ValidationError("--total and --concurrency must be positive, --concurrency at least --connections")
        }
    }

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var opened: [ClientConnection] = []
        for _ in 0..<connections {
            opened.append(try await ClientConnection.connect(host: host, port: port, group: group))
        }
        var request = ByteBuffer(bytes: [0x0A, UInt8(payload.utf8.count)])
        request.writeString(payload)
        var options = CallOptions()
        if timeoutMs > 0 { options.timeout = .milliseconds(Int64(timeoutMs)) }

        // Warm up (connections, HPACK tables, allocator caches), then measure.
        let warmupCalls = warmup ?? min(total / 10 + 100, 5000)
        if warmupCalls > 0 {
            _ = try await drive(opened, calls: warmupCalls, request: request, options: options)
        }
        let before = ProcessUsage.now()
        let failures = try await drive(opened, calls: total, request: request, options: options)
        let after = ProcessUsage.now()

        let wall = after.wall - before.wall
        let cpu = (after.user + after.system) - (before.user + before.system)
        let report = UnaryReport(
            calls: total, failures: failures, seconds: wall, callsPerSecond: Double(total) / wall,
            cpuMicrosecondsPerCall: cpu * 1e6 / Double(total), concurrency: concurrency, connections: connections)
        print(json ? report.jsonLine : report.text)
        for connection in opened { await connection.close() }
        try await group.shutdownGracefully()
    }

    /// Runs `calls` calls over the connections and returns how many did not end with OK.
    private func drive(
        _ connections: [ClientConnection], calls: Int, request: ByteBuffer, options: CallOptions
    ) async throws -> Int {
        var futures: [EventLoopFuture<Int>] = []
        for (index, connection) in connections.enumerated() {
            let share = calls / connections.count + (index < calls % connections.count ? 1 : 0)
            let workers = concurrency / connections.count + (index < concurrency % connections.count ? 1 : 0)
            let path = self.path
            futures.append(
                try await connection.eventLoop.submit {
                    let quota = Quota(remaining: share)
                    let done = (0..<workers).map { _ in
                        let worker = UnaryWorker(
                            connection: connection, path: path, request: request, options: options, quota: quota)
                        worker.start()
                        return worker.done.futureResult
                    }
                    return EventLoopFuture.whenAllSucceed(done, on: connection.eventLoop).map { $0.reduce(0, +) }
                }.get())
        }
        var failures = 0
        for future in futures { failures += try await future.get() }
        return failures
    }
}

/// The calls one connection still has to make; shared by its workers on its event loop.
private final class Quota {
    var remaining: Int
    init(remaining: Int) { self.remaining = remaining }
    func take() -> Bool {
        guard remaining > 0 else { return false }
        remaining -= 1
        return true
    }
}

/// One call in flight at a time: when a call finishes it starts the next, until the quota is spent.
private final class UnaryWorker: ClientCallDelegate {
    let connection: ClientConnection
    let path: String
    let request: ByteBuffer
    let options: CallOptions
    let quota: Quota
    let done: EventLoopPromise<Int>
    private var failures = 0

    init(connection: ClientConnection, path: String, request: ByteBuffer, options: CallOptions, quota: Quota) {
        self.connection = connection
        self.path = path
        self.request = request
        self.options = options
        self.quota = quota
        self.done = connection.eventLoop.makePromise()
    }

    func start() {
        guard quota.take() else {
            done.succeed(failures)
            return
        }
        connection.startCall(path: path, request: request, options: options, delegate: self)
    }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {}

    func callFinished(_ call: ClientCall, result: CallResult) {
        if !result.status.isOK {
            failures += 1
            if failures == 1 { FileHandle.standardError.write(Data("first failure: \(result.status)\n".utf8)) }
        }
        start()
    }
}

private struct UnaryReport: Encodable {
    var calls: Int
    var failures: Int
    var seconds: Double
    var callsPerSecond: Double
    var cpuMicrosecondsPerCall: Double
    var concurrency: Int
    var connections: Int

    var jsonLine: String { String(decoding: try! JSONEncoder().encode(self), as: UTF8.self) }
    var text: String {
        String(
            format: "%d calls (%d failed) in %.3f s: %.0f calls/s, %.2f µs CPU per call (in-process)", calls, failures,
            seconds, callsPerSecond, cpuMicrosecondsPerCall)
    }
}
