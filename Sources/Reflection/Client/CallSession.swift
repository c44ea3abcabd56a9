import GRPCWire
import NIOCore

/// A streaming call driven from async code, one message at a time: `send` requests, `next()` the
/// responses in order. For the request/response conversations of server reflection, where each answer
/// decides the next question; never on a load path (it suspends per message).
///
/// Everything mutable is confined to the connection's event loop.
final class CallSession: ClientCallDelegate, @unchecked Sendable {
    private let eventLoop: any EventLoop
    private var call: ClientCall?
    private var received = CircularBuffer<ByteBuffer>()
    private var waiter: CheckedContinuation<ByteBuffer?, Never>?
    private var finishWaiters: [CheckedContinuation<CallResult, Never>] = []
    /// How the call ended, once it has.
    private(set) var result: CallResult?

    private init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// Starts a call to `path`.
    static func start(on connection: ClientConnection, path: String, options: CallOptions) -> CallSession {
        let session = CallSession(eventLoop: connection.eventLoop)
        let call = connection.makeCall(path: path, options: options, delegate: session)
        session.eventLoop.execute { session.call = call }
        return session
    }

    /// Sends one request message.
    func send(_ message: ByteBuffer) {
        eventLoop.execute { self.call?.send(message) }
    }

    /// Half-closes the request side.
    func end() {
        eventLoop.execute { self.call?.end() }
    }

    /// Cancels the call.
    func cancel() {
        eventLoop.execute { self.call?.cancel() }
    }

    /// The next response message, or nil once the call has ended (see `result`).
    func next() async -> ByteBuffer? {
        await withCheckedContinuation { continuation in
            eventLoop.execute {
                if let message = self.received.popFirst() {
                    continuation.resume(returning: message)
                } else if self.result != nil {
                    continuation.resume(returning: nil)
                } else {
                    self.waiter = continuation
                }
            }
        }
    }

    /// Waits for the end of the call.
    func finished() async -> CallResult {
        await withCheckedContinuation { continuation in
            eventLoop.execute {
                if let result = self.result {
                    continuation.resume(returning: result)
                } else {
                    self.finishWaiters.append(continuation)
                }
            }
        }
    }

    /// The final status, read on the event loop.
    func finalResult() async -> CallResult? {
        await withCheckedContinuation { continuation in
            eventLoop.execute { continuation.resume(returning: self.result) }
        }
    }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: message)
        } else {
            received.append(message)
        }
    }

    func callFinished(_ call: ClientCall, result: CallResult) {
        self.result = result
        self.call = nil
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: nil)
        }
        let waiters = finishWaiters
        finishWaiters = []
        for waiter in waiters { waiter.resume(returning: result) }
    }
}
