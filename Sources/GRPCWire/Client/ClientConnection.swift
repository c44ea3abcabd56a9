import NIOCore
import NIOHTTP2

/// A gRPC client connection: one HTTP/2 connection (plaintext or TLS) on one event loop, carrying any
/// number of concurrent calls as streams.
///
/// ```swift
/// let connection = try await ClientConnection.connect(host: "127.0.0.1", port: 50051, group: group)
/// let response = await connection.unary(path: "/echo.Echo/Get", request: bytes)
/// if response.result.status.isOK, let message = response.message { ... }
/// ```
///
/// For load, skip the `async` wrapper and drive calls with a `ClientCallDelegate` on `eventLoop`.
public final class ClientConnection: Sendable {
    /// The event loop the connection and all its calls run on.
    public let eventLoop: any EventLoop
    /// `host:port` as given to `connect`.
    public let target: String
    /// The peer's address (k6's `ip` tag).
    public let remoteAddress: SocketAddress?
    /// Bytes crossing this connection's socket, TLS included.
    public let byteCounter: ByteCounter
    let channel: any Channel
    let state: ConnectionState
    private let acceptedEncodings: [CompressionAlgorithm]
    private let streamWindowSize: Int
    private let handler: NIOLoopBound<ClientConnectionHandler>
    /// The same handler, for use after `eventLoop.inEventLoop` was checked (saves a second check per call).
    nonisolated(unsafe) private let handlerOnLoop: ClientConnectionHandler

    init(channel: any Channel, handler: ClientConnectionHandler, target: String, byteCounter: ByteCounter) {
        self.channel = channel
        self.eventLoop = channel.eventLoop
        self.target = target
        self.remoteAddress = channel.remoteAddress
        self.byteCounter = byteCounter
        self.state = handler.shared
        self.acceptedEncodings = handler.configuration.acceptedEncodings
        self.streamWindowSize = handler.configuration.http2.streamWindowSize
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.handlerOnLoop = handler
    }

    /// Whether new calls can start here (false after GOAWAY or close).
    public var isAcceptingCalls: Bool { state.isAcceptingCalls }
    /// Streams currently open (queued calls not included).
    public var openStreams: Int { state.openStreams }
    /// Completes when the connection has closed.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Starts a call; its events go to `delegate` on `eventLoop`. Write requests with `send`/`end`.
    public func makeCall(path: String, options: CallOptions = .defaults, delegate: any ClientCallDelegate) -> ClientCall
    {
        let call = ClientCall(
            path: path, options: options, eventLoop: eventLoop, delegate: delegate,
            acceptedEncodings: acceptedEncodings, streamWindowSize: streamWindowSize)
        if eventLoop.inEventLoop {
            handlerOnLoop.startCall(call)
        } else {
            let handler = self.handler
            eventLoop.execute { handler.value.startCall(call) }
        }
        return call
    }

    /// Starts a call with its one request message already sent and the request side closed: the shape of
    /// unary and server-streaming calls, in one step.
    @discardableResult
    public func startCall(
        path: String, request: ByteBuffer, options: CallOptions = .defaults, delegate: any ClientCallDelegate
    ) -> ClientCall {
        let call = ClientCall(
            path: path, options: options, eventLoop: eventLoop, delegate: delegate,
            acceptedEncodings: acceptedEncodings, streamWindowSize: streamWindowSize)
        call.sendsOnly(request)
        if eventLoop.inEventLoop {
            handlerOnLoop.startCall(call)
        } else {
            let handler = self.handler
            eventLoop.execute { handler.value.startCall(call) }
        }
        return call
    }

    /// Holds back the socket writes of calls started from here on until ``endBatch()``, so a load driver
    /// that starts several calls at once writes them with one syscall. On `eventLoop` only.
    public func beginBatch() {
        eventLoop.preconditionInEventLoop()
        handlerOnLoop.isBatching = true
    }

    /// Writes what the batch held back. On `eventLoop` only.
    public func endBatch() {
        eventLoop.preconditionInEventLoop()
        handlerOnLoop.endBatch()
    }

    /// Takes no new calls (they fail at once with UNAVAILABLE, `isAcceptingCalls` turns false) and closes
    /// the connection, with a GOAWAY, once the calls it has (open and queued) have ended: a client done with
    /// a connection whose calls are still in flight. `closeFuture` completes when it has closed.
    public func closeWhenIdle() {
        if eventLoop.inEventLoop {
            handlerOnLoop.closeWhenIdle()
        } else {
            let handler = self.handler
            eventLoop.execute { handler.value.closeWhenIdle() }
        }
    }

    /// Closes the connection at once; open calls fail with UNAVAILABLE.
    public func close() -> EventLoopFuture<Void> {
        channel.close().recover { _ in }
    }

    /// Closes the connection at once; open calls fail with UNAVAILABLE.
    public func close() async {
        try? await channel.close()
    }
}
