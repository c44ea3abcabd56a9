import Engine
import GRPCWire
import Recording

/// One recorded call, ready to send again: what the client did and when, and what the recording says came
/// back.
public struct PlannedCall: Sendable {
    /// The call's position in the plan (recording order).
    public let index: Int
    /// The call id in the recording (`call` on its lines).
    public let recordedCall: Int
    /// The recorded connection the call ran on (calls on one connection replay on one connection).
    public var recordedConnection = 0
    /// When the call started, measured from the first call of the recording.
    public let offset: Duration
    /// When the call ended, on the same clock (its start when the recording does not say).
    public var endOffset: Duration = .zero
    /// The HTTP/2 path, `/pkg.Service/Method`.
    public let method: String
    /// Unary, client, server or bidirectional streaming (inferred from the messages when the recording
    /// has no schema).
    public let kind: RPCKind
    /// The request metadata as recorded, without redacted values and headers gRPC sets itself.
    public let metadata: Metadata
    /// The recorded deadline, if the client sent one.
    public let timeout: Duration?
    /// The `user-agent` the recorded client sent, sent again in place of Reprise's own; nil when the
    /// recording has none.
    public var userAgent: String?
    /// The request messages, with their time since the call started and the server messages before them.
    public let requests: [RequestMessage]
    /// When the client half-closed its request side; nil when the recording does not say (older
    /// recordings: right after the last request).
    public var halfClose: ClientAct?
    /// When the client cancelled the call, if it did.
    public var cancel: ClientAct?
    /// Whether the client cancelled the call when its deadline passed, not before (within a millisecond:
    /// the recorded timeout is what was left when the headers went out).
    public var cancelledAtDeadline: Bool {
        guard let cancel, let timeout else { return false }
        return cancel.offset >= timeout - .milliseconds(1)
    }
    /// How a faithful replay ends: with the recorded status; on the client's side for a call the client
    /// cancelled before any status came; nil when the recording says neither (its connection failed).
    public var expectedEnd: ExpectedStatus? {
        if let code = expected.code { return .code(code) }
        return cancel != nil ? .clientEnd(atDeadline: cancelledAtDeadline) : nil
    }
    /// Why the recorded answer stops short, when its connection failed or closed before the server's
    /// status (the recording's `end` error): the replayed answer is compared up to where the recording
    /// stops, since what the server would have sent next is not known.
    public var answerCutShort: String?
    /// Whether the recording says when clients half-closed (then a call without `halfClose` never did);
    /// false for older recordings.
    public var clientEndsRecorded = false
    /// What the server answered.
    public internal(set) var expected: Expectation

    /// A call from its parts.
    public init(
        index: Int, recordedCall: Int, offset: Duration, method: String, kind: RPCKind, metadata: Metadata,
        timeout: Duration?, requests: [RequestMessage], expected: Expectation
    ) {
        self.index = index
        self.recordedCall = recordedCall
        self.offset = offset
        self.method = method
        self.kind = kind
        self.metadata = metadata
        self.timeout = timeout
        self.requests = requests
        self.expected = expected
    }

    /// `pkg.Service/Method`, the way k6 and the summary name methods.
    public var methodName: String { method.hasPrefix("/") ? String(method.dropFirst()) : method }
}

/// One request message of a planned call.
public struct RequestMessage: Sendable {
    /// Time since the call started, as recorded.
    public let offset: Duration
    /// The protobuf bytes (uncompressed), sent unchanged.
    public let bytes: [UInt8]
    /// How many response messages the client had received before it sent this one.
    public var afterResponses: Int

    /// A message from its parts.
    public init(offset: Duration, bytes: [UInt8], afterResponses: Int = 0) {
        self.offset = offset
        self.bytes = bytes
        self.afterResponses = afterResponses
    }
}

/// Something the client did to the call besides sending (half-close, cancel), and when.
public struct ClientAct: Sendable, Hashable {
    /// Time since the call started, as recorded.
    public var offset: Duration
    /// How many response messages the client had received before it.
    public var afterResponses: Int

    /// An act from its parts.
    public init(offset: Duration, afterResponses: Int) {
        self.offset = offset
        self.afterResponses = afterResponses
    }
}

/// What the recording says a call returned.
public struct Expectation: Sendable {
    /// The gRPC status code; nil when the recorded call never got trailers (reset, connection lost).
    public let code: Int?
    /// The status message.
    public let message: String
    /// The response messages' protobuf bytes, in order.
    public let responses: [[UInt8]]
    /// The response headers' metadata and the trailing metadata, as recorded.
    public var headers: [MetadataEntry] = []
    public var trailers: [MetadataEntry] = []

    /// An expectation from its parts.
    public init(code: Int?, message: String = "", responses: [[UInt8]]) {
        self.code = code
        self.message = message
        self.responses = responses
    }
}
