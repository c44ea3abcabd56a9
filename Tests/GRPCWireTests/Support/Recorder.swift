import GRPCProtocol
import GRPCWire
import NIOCore
import NIOPosix

/// Everything a call delivered, collected on the event loop and handed over when the call finishes.
struct RecordedCall: Sendable {
    var headers: Metadata?
    var messages: [ByteBuffer] = []
    var result: CallResult?

    var status: GRPCStatus { result?.status ?? GRPCStatus(code: .unknown, message: "not finished") }
    var strings: [String] { messages.map { String(buffer: $0) } }
}

/// A delegate that records one call and completes a promise when it ends; `onMessage` can react to
/// messages (e.g. to write more on a bidirectional stream).
final class Recorder: ClientCallDelegate {
    private var record = RecordedCall()
    let promise: EventLoopPromise<RecordedCall>
    var onMessage: ((ClientCall, ByteBuffer) -> Void)?

    init(eventLoop: any EventLoop) {
        promise = eventLoop.makePromise()
    }

    func callReceivedHeaders(_ call: ClientCall, headers: Metadata) { record.headers = headers }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        record.messages.append(message)
        onMessage?(call, message)
    }

    func callFinished(_ call: ClientCall, result: CallResult) {
        record.result = result
        promise.succeed(record)
    }
}

extension ClientConnection {
    /// Runs a call with `requests` (half-closing after them) and returns everything it delivered.
    func record(
        _ path: String, requests: [ByteBuffer], options: CallOptions = .defaults, end: Bool = true
    ) async throws -> RecordedCall {
        let future: EventLoopFuture<RecordedCall> = try await eventLoop.submit {
            let recorder = Recorder(eventLoop: self.eventLoop)
            let call = self.makeCall(path: path, options: options, delegate: recorder)
            for request in requests { call.send(request) }
            if end { call.end() }
            return recorder.promise.futureResult
        }.get()
        return try await future.get()
    }
}

extension ByteBuffer {
    /// A buffer holding the UTF-8 of `text` (test shorthand).
    static func text(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}

/// The event loop group all tests share.
let testGroup = MultiThreadedEventLoopGroup.singleton
