import NIOCore
import Synchronization

/// The first replayed outcome of each planned call, kept for `--update` (the new golden responses) and
/// `--learn` (what the second replay is compared with). Memory: one copy of each call's responses, the
/// size of the recording's own.
public final class ResponseCapture: CallRecordSink {
    /// What one call answered.
    public struct Captured: Sendable {
        /// The status code; nil when the call never reached the server.
        public var code: Int?
        /// The status message.
        public var message: String
        /// The response messages' bytes.
        public var responses: [[UInt8]]
        /// Whether it differed from the recording.
        public var differs: Bool
    }

    private let calls: Mutex<[Captured?]>

    /// A capture for a plan of `count` calls.
    public init(count: Int) { calls = Mutex(Array(repeating: nil, count: count)) }

    public func record(_ call: CallRecord) {
        let taken = calls.withLock { $0[call.call] != nil }
        guard !taken else { return }
        let captured = Captured(
            code: call.code, message: call.message, responses: call.responses.map { Array(buffer: $0) },
            differs: call.verdict != .matched)
        calls.withLock { calls in
            if calls[call.call] == nil { calls[call.call] = captured }
        }
    }

    /// Each planned call's first outcome, nil for calls not replayed.
    public var captured: [Captured?] { calls.withLock { $0 } }

    /// The plan with each captured call's expectation replaced by what it answered (calls that never reached
    /// the server or were not replayed keep the recording's).
    public func plan(replacing plan: ReplayPlan) -> ReplayPlan {
        var plan = plan
        let captured = self.captured
        for (index, capture) in captured.enumerated() {
            guard let capture, let code = capture.code else { continue }
            plan.calls[index].expected = Expectation(code: code, message: capture.message, responses: capture.responses)
        }
        return plan
    }
}
