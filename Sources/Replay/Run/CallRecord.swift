import Engine
import NIOCore

/// One replayed call as it ended, handed to each ``CallRecordSink`` on the call's event loop (`--results`,
/// `--junit`, `--update`). Nothing keeps it: a sink takes what it needs and lets it go.
public struct CallRecord: Sendable {
    /// How the call ended compared with its recording.
    public enum Verdict: String, Sendable {
        /// Status and messages as recorded (or no check and the status as recorded).
        case matched
        /// Status as recorded, messages not.
        case differs
        /// Status not as recorded, or the call never reached the server.
        case failed
    }

    /// The planned call's index.
    public let call: Int
    /// The call id in the recording.
    public let recordedCall: Int
    /// `pkg.Service/Method`.
    public let method: String
    /// The replay's sequence number of the call (a plan replayed several times repeats `call`).
    public let iteration: Int
    /// The recorded status code, nil when the recording has none.
    public let recordedCode: Int?
    /// The recorded status message.
    public let recordedMessage: String
    /// How the recorded call was expected to end (`.clientEnd` when its client gave up first), if known.
    public let recordedEnd: ExpectedStatus?
    /// The replayed status code; nil when the call never reached the server.
    public let code: Int?
    /// The replayed status message.
    public let message: String
    /// Why the call never reached the server, if it did not.
    public let failure: String?
    /// From the call's intended start to its end.
    public let latencyNanoseconds: Int64
    /// How it compares with the recording.
    public let verdict: Verdict
    /// The differences found (empty without a check).
    public let mismatches: [Mismatch]
    /// The response messages as received (empty unless a check or a sink keeps them); valid while the sink
    /// runs, copy what must outlive it.
    public let responses: [ByteBuffer]
}

/// Takes each ended call's ``CallRecord`` on its event loop: it must be quick and must not block for long
/// (a buffered write is fine), since the loop's other calls wait meanwhile.
public protocol CallRecordSink: AnyObject, Sendable {
    /// One call ended.
    func record(_ call: CallRecord)
}
