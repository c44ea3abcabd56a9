import GRPCProtocol
import NIOCore

/// Everything a call returned: its messages in order and how it ended.
public struct CollectedResponse: Sendable {
    /// How the call ended, with headers and trailers.
    public var result: CallResult
    /// The response messages, in order (kept even when the status is not OK).
    public var messages: [ByteBuffer]

    /// A response from its parts.
    public init(result: CallResult, messages: [ByteBuffer]) {
        self.result = result
        self.messages = messages
    }
}

/// Sends the requests as they are given, half-closes, and collects everything the server answers.
final class ResponseCollector: ClientCallDelegate {
    private let promise: EventLoopPromise<CollectedResponse>
    private var messages: [ByteBuffer] = []

    init(promise: EventLoopPromise<CollectedResponse>) { self.promise = promise }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) { messages.append(message) }

    func callFinished(_ call: ClientCall, result: CallResult) {
        promise.succeed(CollectedResponse(result: result, messages: messages))
    }
}

extension ClientConnection {
    /// Runs a call of any kind to the end: sends `requests`, half-closes, and returns every response
    /// message with the final result. For server reflection, health checks and tests; load goes through
    /// `makeCall` and a delegate.
    public func collect(
        path: String, requests: [ByteBuffer], options: CallOptions = .defaults
    ) -> EventLoopFuture<CollectedResponse> {
        let promise = eventLoop.makePromise(of: CollectedResponse.self)
        let start: @Sendable () -> Void = {
            let call = self.makeCall(path: path, options: options, delegate: ResponseCollector(promise: promise))
            for request in requests { call.send(request) }
            call.end()
        }
        if eventLoop.inEventLoop { start() } else { eventLoop.execute(start) }
        return promise.futureResult
    }

    /// Runs a call of any kind to the end; see `collect(path:requests:options:)`. Never throws: failures
    /// come back as the result's status.
    public func collect(
        path: String, requests: [ByteBuffer], options: CallOptions = .defaults
    ) async -> CollectedResponse {
        (try? await collect(path: path, requests: requests, options: options).get())
            ?? CollectedResponse(result: CallResult(status: GRPCStatus(code: .unknown, message: "lost")), messages: [])
    }
}
