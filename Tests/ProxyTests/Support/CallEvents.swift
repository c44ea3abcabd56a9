import GRPCWire
import NIOCore

/// What a client call went through, as an async sequence: headers, messages, then the result.
final class CallEvents: ClientCallDelegate, @unchecked Sendable {
    enum Event: Sendable {
        case headers(Metadata)
        case message(ByteBuffer)
        case finished(CallResult)
    }

    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    /// Give each message's window back as it arrives (false: the test does it, or never).
    let releaseWindows: Bool

    init(releaseWindows: Bool = true) {
        (events, continuation) = AsyncStream.makeStream()
        self.releaseWindows = releaseWindows
    }

    func callReceivedHeaders(_ call: ClientCall, headers: Metadata) { continuation.yield(.headers(headers)) }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        if releaseWindows { call.releaseReceiveWindow(bytes: call.lastMessageWireLength) }
        continuation.yield(.message(message))
    }

    func callFinished(_ call: ClientCall, result: CallResult) {
        continuation.yield(.finished(result))
        continuation.finish()
    }

    /// Waits for `count` messages; nil if the call finished first.
    func messages(_ count: Int, iterator: inout AsyncStream<Event>.Iterator) async -> [ByteBuffer]? {
        var messages: [ByteBuffer] = []
        while messages.count < count, let event = await iterator.next() {
            switch event {
            case .message(let message): messages.append(message)
            case .headers: continue
            case .finished: return nil
            }
        }
        return messages
    }

    /// Waits for the result, counting the messages that came before it.
    func result(iterator: inout AsyncStream<Event>.Iterator) async -> (CallResult?, Int) {
        var count = 0
        while let event = await iterator.next() {
            switch event {
            case .message: count += 1
            case .headers: continue
            case .finished(let result): return (result, count)
            }
        }
        return (nil, count)
    }
}
