import ArgumentParser
import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// `reprise-bench wire-bare`: the floor under GRPCWire. The same unary loop written as bare
/// `NIOHTTP2Handler` frame handling (fixed headers, a pre-framed request, completions counted on the
/// trailers, no parsing, no deadlines, no metadata), to show how much of a call's CPU is GRPCWire's own.
struct WireBareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire-bare", abstract: "Unary loop on bare NIOHTTP2Handler frames (a floor for wire-unary).")

    @Option(help: "Server host.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(help: "Method path.") var path = "/bench.Echo/Unary"
    @Option(help: "Calls to measure.") var total = 100_000
    @Option(help: "Calls in flight at once.") var concurrency = 32
    @Option(help: "Connections to spread them over.") var connections = 4
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let request = ByteBuffer(bytes: [0, 0, 0, 0, 14, 0x0A, 12] + Array("hello world!".utf8))
        let headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": "\(host):\(port)",
            "content-type": "application/grpc", "te": "trailers",
        ]
        var channels: [any Channel] = []
        for _ in 0..<connections {
            channels.append(
                try await ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            // The same NIO settings GRPCWire's client uses: no header or content-length checks.
                            var settings = NIOHTTP2Handler.ConnectionConfiguration()
                            settings.headerBlockValidation = .disabled
                            settings.contentLengthValidation = .disabled
                            try channel.pipeline.syncOperations.addHandler(
                                NIOHTTP2Handler(mode: .client, connectionConfiguration: settings))
                            try channel.pipeline.syncOperations.addHandler(BareLoop(headers: headers, request: request))
                        }
                    }
                    .connect(host: host, port: port).get())
        }
        let warmup = min(total / 10 + 100, 5000)
        try await drive(channels, calls: warmup)
        let before = ProcessUsage.now()
        try await drive(channels, calls: total)
        let after = ProcessUsage.now()
        let seconds = after.wall - before.wall
        let cpu = (after.user + after.system) - (before.user + before.system)
        let microseconds = cpu * 1e6 / Double(total)
        if json {
            print("{\"calls\":\(total),\"seconds\":\(seconds),\"cpuMicrosecondsPerCall\":\(microseconds)}")
        } else {
            print(
                String(
                    format: "%d calls in %.3f s: %.0f calls/s, %.2f µs CPU per call (bare NIOHTTP2)", total, seconds,
                    Double(total) / seconds, microseconds))
        }
        for channel in channels { try await channel.close() }
        try await group.shutdownGracefully()
    }

    private func drive(_ channels: [any Channel], calls: Int) async throws {
        var futures: [EventLoopFuture<Void>] = []
        for (index, channel) in channels.enumerated() {
            let share = calls / channels.count + (index < calls % channels.count ? 1 : 0)
            let inFlight = concurrency / channels.count
            futures.append(
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.handler(type: BareLoop.self).run(
                        calls: share, inFlight: inFlight)
                }.get())
        }
        for future in futures { try await future.get() }
    }
}

/// Keeps `inFlight` streams busy until `calls` have completed; a completion is the trailers' END_STREAM.
private final class BareLoop: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let headers: HPACKHeaders
    private let request: ByteBuffer
    private var context: ChannelHandlerContext?
    private var nextStream = HTTP2StreamID(1)
    private var remaining = 0
    private var open = 0
    private var done: EventLoopPromise<Void>?
    private var reading = false

    init(headers: HPACKHeaders, request: ByteBuffer) {
        self.headers = headers
        self.request = request
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        // A connection window large enough for the whole run, so no WINDOW_UPDATE bookkeeping is needed.
        context.writeAndFlush(
            wrapOutboundOut(
                HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: Int(Int32.max) - 65535))),
            promise: nil)
        context.fireChannelActive()
    }

    func run(calls: Int, inFlight: Int) -> EventLoopFuture<Void> {
        let promise = context!.eventLoop.makePromise(of: Void.self)
        done = promise
        remaining = calls
        for _ in 0..<inFlight { startStream() }
        context?.flush()
        if remaining == 0 && open == 0 { promise.succeed() }
        return promise.futureResult
    }

    private func startStream() {
        guard remaining > 0, let context else { return }
        remaining -= 1
        open += 1
        let id = nextStream
        nextStream = id.advanced(by: 2)
        context.write(
            wrapOutboundOut(HTTP2Frame(streamID: id, payload: .headers(.init(headers: headers)))), promise: nil)
        context.write(
            wrapOutboundOut(
                HTTP2Frame(streamID: id, payload: .data(.init(data: .byteBuffer(request), endStream: true)))),
            promise: nil)
        if !reading { context.flush() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reading = true
        if case .headers(let payload) = unwrapInboundIn(data).payload, payload.endStream {
            open -= 1
            startStream()
            if open == 0 && remaining == 0 { done?.succeed() }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        context.flush()
    }
}
