import GRPCProtocol
import NIOCore
import NIOHTTP2

/// One gRPC call on a client connection, of any kind (unary, client, server or bidirectional streaming).
///
/// Its state lives on the connection's event loop and its events go to a `ClientCallDelegate` there. The
/// methods can be called from any thread: off the loop they hop onto it, so calling them on the loop (from
/// a delegate callback, say) is cheapest.
public final class ClientCall: @unchecked Sendable {
    /// The method path, e.g. `/grpc.testing.TestService/UnaryCall`.
    public let path: String
    /// The event loop the call lives on.
    public let eventLoop: any EventLoop
    let options: CallOptions
    let deadline: NIODeadline?

    // Everything below is confined to `eventLoop`.
    var connection: ClientConnectionHandler?
    var delegate: (any ClientCallDelegate)?
    var state: ClientCallStateMachine
    /// Writes made before the stream was opened (the call was queued behind the concurrency limit).
    var queuedWrites = QueuedWrites()
    /// Links in the connection's deadline list (see `ClientConnectionHandler+Deadlines`).
    var deadlineNext: ClientCall?
    unowned(unsafe) var deadlinePrevious: ClientCall?
    var inDeadlineList = false
    /// Whether the call waited for a stream slot (its deadline is then re-read when it opens).
    var wasQueued = false
    var window: InboundWindow
    /// The request of a call started with its one message (`startCall`), kept so a stream the server
    /// refused before answering can be opened again (grpc-go's transparent retry).
    var retryRequest: ByteBuffer?
    /// Times the server refused the call's stream (REFUSED_STREAM) and it was opened again.
    var refusals = 0
    /// The HTTP/2 stream, once the call has been given one.
    public internal(set) var streamID: HTTP2StreamID?
    /// The wire length (prefix included) of the message just delivered, for manual flow control.
    public internal(set) var lastMessageWireLength = 0
    /// Whether the call has finished (its delegate got `callFinished`).
    public internal(set) var isFinished = false

    init(
        path: String, options: CallOptions, eventLoop: any EventLoop, delegate: any ClientCallDelegate,
        acceptedEncodings: [CompressionAlgorithm], streamWindowSize: Int
    ) {
        self.path = path
        self.options = options
        self.eventLoop = eventLoop
        self.delegate = delegate
        self.deadline = options.timeout.map { eventLoop.now + $0 }
        self.state = ClientCallStateMachine(
            maxReceiveMessageSize: options.maxReceiveMessageSize, acceptedEncodings: acceptedEncodings)
        self.window = InboundWindow(size: streamWindowSize)
    }

    /// Makes a call not yet started send `request` and half-close as soon as it opens, and keeps the
    /// request so a refused stream can go again: the shape of unary and server-streaming calls.
    func sendsOnly(_ request: ByteBuffer) {
        queuedWrites.append(QueuedWrites.Write(message: request, endStream: true, promise: nil))
        state.requestEnded = true
        retryRequest = request
    }

    /// Sends a request message; `endStream` also half-closes the request side. The promise completes once
    /// the frame has been written to the socket (after flow control let it through): the back-pressure hook.
    public func send(_ message: ByteBuffer, endStream: Bool = false, promise: EventLoopPromise<Void>? = nil) {
        if eventLoop.inEventLoop {
            write(message, endStream: endStream, promise: promise)
        } else {
            eventLoop.execute { self.write(message, endStream: endStream, promise: promise) }
        }
    }

    /// Half-closes the request side: no more messages will be sent.
    public func end(promise: EventLoopPromise<Void>? = nil) {
        if eventLoop.inEventLoop {
            write(nil, endStream: true, promise: promise)
        } else {
            eventLoop.execute { self.write(nil, endStream: true, promise: promise) }
        }
    }

    /// Cancels the call: RST_STREAM(CANCEL) if it has a stream, and `CANCELLED` with `message` (k6's
    /// words unless given) to the delegate.
    public func cancel(message: String = "context canceled") {
        if eventLoop.inEventLoop {
            finishLocally(GRPCStatus(code: .cancelled, message: message))
        } else {
            eventLoop.execute { self.finishLocally(GRPCStatus(code: .cancelled, message: message)) }
        }
    }

    /// Gives `bytes` of the stream's receive window back to the server (manual flow control only).
    public func releaseReceiveWindow(bytes: Int) {
        if eventLoop.inEventLoop {
            returnWindow(bytes)
        } else {
            eventLoop.execute { self.returnWindow(bytes) }
        }
    }
}
