import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import Synchronization
import Testing

/// An HTTP/2 server that takes one call and then stops reading its socket, as a server stuck in a handler
/// that never reads does. It first opens the largest windows HTTP/2 allows, so that only TCP holds the
/// client back. ``resume()`` reads again; when the request ends, it answers with one empty message and
/// status OK.
final class StalledServer: Sendable {
    private struct State {
        var connection: (any Channel)?
        var received = 0
        var ended = false
    }

    let listener: any Channel
    private let state = Mutex(State())

    var port: Int { listener.localAddress?.port ?? 0 }
    /// DATA payload bytes read so far.
    var received: Int { state.withLock { $0.received } }
    /// Whether the request's END_STREAM was read (and answered).
    var ended: Bool { state.withLock { $0.ended } }

    private init(listener: any Channel) { self.listener = listener }

    static func start() async throws -> StalledServer {
        let box = Mutex<StalledServer?>(nil)
        let listener = try await ServerBootstrap(group: testGroup)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var configuration = NIOHTTP2Handler.ConnectionConfiguration()
                    configuration.initialSettings = [
                        HTTP2Setting(parameter: .initialWindowSize, value: Int(Int32.max)),
                        HTTP2Setting(parameter: .maxFrameSize, value: 1 << 20),
                    ]
                    let server = box.withLock { $0! }
                    try channel.pipeline.syncOperations.addHandlers([
                        NIOHTTP2Handler(mode: .server, connectionConfiguration: configuration), Handler(server: server),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = StalledServer(listener: listener)
        box.withLock { $0 = server }
        return server
    }

    /// Reads the socket again.
    func resume() async throws {
        let connection = try #require(state.withLock { $0.connection })
        try await connection.setOption(ChannelOptions.autoRead, value: true).get()
    }

    func close() async throws { try await listener.close() }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame
        typealias OutboundOut = HTTP2Frame

        let server: StalledServer
        private var stalled = false

        init(server: StalledServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            switch frame.payload {
            case .headers where !stalled:
                stalled = true
                context.writeAndFlush(
                    wrapOutboundOut(
                        HTTP2Frame(
                            streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: Int(Int32.max) - 65535))),
                    promise: nil)
                try? context.channel.syncOptions?.setOption(.autoRead, value: false)
                let channel = context.channel
                server.state.withLock { $0.connection = channel }
            case .data(let data):
                let count = data.data.readableBytes
                server.state.withLock { $0.received += count }
                if data.endStream { respond(context: context, stream: frame.streamID) }
            default:
                break
            }
        }

        private func respond(context: ChannelHandlerContext, stream: HTTP2StreamID) {
            server.state.withLock { $0.ended = true }
            let headers: HPACKHeaders = [":status": "200", "content-type": "application/grpc"]
            let frames: [HTTP2Frame.FramePayload] = [
                .headers(.init(headers: headers)),
                .data(.init(data: .byteBuffer(ByteBuffer(bytes: [0, 0, 0, 0, 0])))),
                .headers(.init(headers: ["grpc-status": "0"], endStream: true)),
            ]
            for payload in frames {
                context.write(wrapOutboundOut(HTTP2Frame(streamID: stream, payload: payload)), promise: nil)
            }
            context.flush()
        }
    }
}

/// An HTTP/2 client that uploads a client-streaming call as fast as the windows let it, counting the bytes
/// the kernel took (a write's promise completes when its bytes went into the socket), and keeps the
/// response's frames.
final class UploadingClient: Sendable {
    let channel: any Channel
    private let flushedBytes: Mutex<Int>
    private let collector: FrameCollector

    /// DATA payload bytes written to the socket so far.
    var flushed: Int { flushedBytes.withLock { $0 } }
    /// The response's header blocks, in order.
    var responseHeaders: [HPACKHeaders] { collector.headers }

    private init(channel: any Channel, collector: FrameCollector) {
        self.channel = channel
        self.collector = collector
        flushedBytes = Mutex(0)
    }

    static func connect(port: Int) async throws -> UploadingClient {
        let collector = FrameCollector()
        let channel = try await ClientBootstrap(group: testGroup)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        NIOHTTP2Handler(mode: .client, connectionConfiguration: .init()), collector,
                    ])
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return UploadingClient(channel: channel, collector: collector)
    }

    /// Opens stream 1 on `path` and writes every message (already framed), the last with END_STREAM;
    /// returns without waiting for them to be written.
    func upload(path: String, messages: [ByteBuffer]) async throws {
        let headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": "127.0.0.1",
            "content-type": "application/grpc", "te": "trailers",
        ]
        try await channel.writeAndFlush(HTTP2Frame(streamID: 1, payload: .headers(.init(headers: headers))))
        for (index, message) in messages.enumerated() {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            let count = message.readableBytes
            promise.futureResult.whenSuccess { self.flushedBytes.withLock { $0 += count } }
            let frame = HTTP2Frame(
                streamID: 1, payload: .data(.init(data: .byteBuffer(message), endStream: index == messages.count - 1)))
            channel.writeAndFlush(frame, promise: promise)
        }
    }

    func close() async throws { try await channel.close() }

    private final class FrameCollector: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTP2Frame
        private let received = Mutex<[HPACKHeaders]>([])

        var headers: [HPACKHeaders] { received.withLock { $0 } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .headers(let headers) = unwrapInboundIn(data).payload {
                received.withLock { $0.append(headers.headers) }
            }
        }
    }
}
