import GRPCProtocol
import NIOCore

/// The outcome of a unary call: how it ended and, when it succeeded, the response message.
public struct UnaryResponse: Sendable {
    /// Status, headers and trailers.
    public var result: CallResult
    /// The response message; `nil` unless the status is OK.
    public var message: ByteBuffer?

    /// A response from its parts.
    public init(result: CallResult, message: ByteBuffer?) {
        self.result = result
        self.message = message
    }
}

/// Collects the single response of a unary call and completes a promise with it.
final class UnaryCollector: ClientCallDelegate {
    private let promise: EventLoopPromise<UnaryResponse>
    private var message: ByteBuffer?
    private var extraMessages = 0

    init(promise: EventLoopPromise<UnaryResponse>) { self.promise = promise }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        if self.message == nil { self.message = message } else { extraMessages += 1 }
    }

    func callFinished(_ call: ClientCall, result: CallResult) {
        var result = result
        if result.status.isOK {
            if message == nil {
                result.status = GRPCStatus(
                    code: .internalError, message: "cardinality violation: expected <EOF> after zero response messages")
            } else if extraMessages > 0 {
                result.status = GRPCStatus(
                    code: .internalError,
                    message:
                        "cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message"
                )
                message = nil
            }
        } else {
            message = nil
        }
        promise.succeed(UnaryResponse(result: result, message: message))
    }
}

extension ClientConnection {
    /// Runs a unary call; never fails: transport problems come back as a status in the result.
    public func unary(
        path: String, request: ByteBuffer, options: CallOptions = .defaults
    ) -> EventLoopFuture<UnaryResponse> {
        let promise = eventLoop.makePromise(of: UnaryResponse.self)
        let eventLoop = self.eventLoop
        if eventLoop.inEventLoop {
            startCall(path: path, request: request, options: options, delegate: UnaryCollector(promise: promise))
        } else {
            eventLoop.execute {
                self.startCall(
                    path: path, request: request, options: options, delegate: UnaryCollector(promise: promise))
            }
        }
        return promise.futureResult
    }

    /// Runs a unary call; never throws: transport problems come back as a status in the result.
    public func unary(path: String, request: ByteBuffer, options: CallOptions = .defaults) async -> UnaryResponse {
        // The future never fails (the collector only succeeds the promise).
        (try? await unary(path: path, request: request, options: options).get())
            ?? UnaryResponse(result: CallResult(status: GRPCStatus(code: .unknown, message: "lost")), message: nil)
    }
}
