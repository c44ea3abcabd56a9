import NIOCore
import NIOHPACK
import NIOHTTP2

/// One call as the server sees it: the request's path, metadata and deadline, and the methods that answer.
///
/// State lives on the connection's event loop; the methods may be called from any thread (off the loop
/// they hop onto it). Response headers go out automatically before the first message, or as a
/// trailers-only response when the call finishes without messages.
public final class ServerCall: @unchecked Sendable {
    /// The method path, e.g. `/grpc.testing.TestService/UnaryCall`.
    public let path: String
    /// The request metadata (with `user-agent`; without pseudo-headers and transport headers).
    public let requestMetadata: Metadata
    /// The request's header block as received (pseudo-headers and transport headers included).
    public let requestHeaders: HPACKHeaders
    /// The request's `:authority`.
    public let authority: String?
    /// When the call's `grpc-timeout` runs out, if the client sent one.
    public let deadline: NIODeadline?
    /// The client's address.
    public let remoteAddress: SocketAddress?
    /// The compression of request messages (`grpc-encoding`).
    public let requestEncoding: CompressionAlgorithm?
    /// The event loop the call lives on.
    public let eventLoop: any EventLoop
    /// The HTTP/2 stream the call is on.
    public let streamID: HTTP2StreamID

    // Confined to `eventLoop`.
    var connection: ServerConnectionHandler?
    var handler: (any ServerCallHandler)?
    var state: ServerCallStateMachine
    var deadlineCallback: NIOScheduledCallback?
    var window: InboundWindow
    var pendingHeaders: Metadata = [:]
    /// The compression of response messages; by default the request's, when the client accepts it.
    public var responseCompression: CompressionAlgorithm?
    /// When true, the stream's receive window is only given back through `releaseReceiveWindow(bytes:)`.
    public var manualFlowControl = false
    /// The wire length (prefix included) of the request message just delivered, for manual flow control.
    public internal(set) var lastMessageWireLength = 0
    /// Whether the call is over (finished by the handler, or cancelled).
    public var isFinished: Bool { state.isFinished }

    init(
        path: String, requestHeaders: HPACKHeaders, requestMetadata: Metadata, authority: String?,
        deadline: NIODeadline?,
        remoteAddress: SocketAddress?, requestEncoding: CompressionAlgorithm?, eventLoop: any EventLoop,
        streamID: HTTP2StreamID, connection: ServerConnectionHandler, maxReceiveMessageSize: Int, streamWindowSize: Int
    ) {
        self.path = path
        self.requestHeaders = requestHeaders
        self.requestMetadata = requestMetadata
        self.authority = authority
        self.deadline = deadline
        self.remoteAddress = remoteAddress
        self.requestEncoding = requestEncoding
        self.eventLoop = eventLoop
        self.streamID = streamID
        self.connection = connection
        self.state = ServerCallStateMachine(maxReceiveMessageSize: maxReceiveMessageSize)
        self.window = InboundWindow(size: streamWindowSize)
    }

    /// Sends the response headers now, with `metadata` (otherwise they go out with the first message).
    public func sendHeaders(_ metadata: Metadata = [:]) {
        if eventLoop.inEventLoop {
            writeHeaders(metadata)
        } else {
            eventLoop.execute { self.writeHeaders(metadata) }
        }
    }

    /// Sends a response message. The promise completes once it is written to the socket, or fails if the
    /// call is over: the back-pressure hook for streaming.
    public func send(_ message: ByteBuffer, promise: EventLoopPromise<Void>? = nil) {
        if eventLoop.inEventLoop {
            writeMessage(message, promise: promise)
        } else {
            eventLoop.execute { self.writeMessage(message, promise: promise) }
        }
    }

    /// Ends the call with a status and trailing metadata (a trailers-only response if nothing was sent).
    public func finish(_ status: GRPCStatus = .ok, trailers: Metadata = [:]) {
        if eventLoop.inEventLoop {
            writeFinish(status, trailers: trailers)
        } else {
            eventLoop.execute { self.writeFinish(status, trailers: trailers) }
        }
    }

    /// Sends one message and ends the call with OK: the whole answer of a unary call.
    public func respond(_ message: ByteBuffer, headers: Metadata = [:], trailers: Metadata = [:]) {
        if eventLoop.inEventLoop {
            writeResponse(message, headers: headers, trailers: trailers)
        } else {
            eventLoop.execute { self.writeResponse(message, headers: headers, trailers: trailers) }
        }
    }

    /// Gives `bytes` of the stream's receive window back to the client (manual flow control only).
    public func releaseReceiveWindow(bytes: Int) {
        if eventLoop.inEventLoop {
            returnWindow(bytes)
        } else {
            eventLoop.execute { self.returnWindow(bytes) }
        }
    }
}
