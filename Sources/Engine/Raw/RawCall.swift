import GRPCWire
import Metrics
import NIOCore

/// A call known only by its bytes: path, metadata, deadline and a script of what the client does, no
/// schema. The replayer's call: recorded request bytes go out unchanged, in the recorded order relative to
/// the server's messages, and the request side half-closes or the call is cancelled where the recording says.
///
/// Build it once (`Client.prepareRaw`) and start it any number of times with a ``RawCallRunner``. A class,
/// so each start holds one reference rather than copying (and retaining) every part.
public final class RawCall: Sendable {
    /// What the client does at one step of the call.
    public enum Action: Sendable {
        /// Sends a request message (protobuf bytes, framed and compressed as the options say).
        case send(ByteBuffer)
        /// Half-closes the request side (END_STREAM).
        case halfClose
        /// Cancels the call (RST_STREAM CANCEL).
        case cancel
    }

    /// One step and when it may happen.
    public struct Step: Sendable {
        /// What the client does.
        public var action: Action
        /// How many response messages must have arrived first: the recording's causal order.
        public var afterResponses: Int
        /// How long after the call's start it may happen at the earliest (pacing); zero sends at once.
        public var notBefore: Duration

        /// A step from its parts.
        public init(_ action: Action, afterResponses: Int = 0, notBefore: Duration = .zero) {
            self.action = action
            self.afterResponses = afterResponses
            self.notBefore = notBefore
        }
    }

    /// The HTTP/2 path, `/pkg.Service/Method`.
    public let path: String
    /// Whether the call counts as a stream in k6's metrics (`grpc_streams`, messages sent and received).
    public let isStream: Bool
    /// Metadata, deadline (none unless given), size limits and compression.
    public let options: CallOptions
    /// The client's steps, in order.
    public let steps: [Step]
    /// Whether the script is one message then the half-close, neither waiting for a response: it goes out
    /// in one step (HEADERS, then the message with END_STREAM), as gRPC clients send unary and
    /// server-streaming calls; pacing applies between such calls, not inside one.
    let isSingleRequest: Bool
    /// The steps' earliest times in nanoseconds (pacing), precomputed.
    let notBefore: [Int64]
    /// Whether a cancel step has a time: it keeps it even where nothing else is paced.
    let hasTimedCancel: Bool
    let series: CallSeries?

    init(path: String, isStream: Bool, options: CallOptions, steps: [Step], series: CallSeries?) {
        self.path = path
        self.isStream = isStream
        self.options = options
        self.steps = steps
        self.series = series
        notBefore = steps.map { $0.notBefore.nanosecondsClamped }
        hasTimedCancel = zip(steps, notBefore).contains { step, time in
            if case .cancel = step.action { return time > 0 }
            return false
        }
        if steps.count == 2, case .send = steps[0].action, case .halfClose = steps[1].action,
            steps.allSatisfy({ $0.afterResponses == 0 })
        {
            isSingleRequest = true
        } else {
            isSingleRequest = false
        }
    }
}

extension Client {
    /// A raw call to `path` on this client's address: no schema needed, nothing encoded. `timeout` nil
    /// sends no deadline (the recording had none); the connection's size limits apply, the receive limit
    /// raised to `receiveAtLeast` (a replay accepts the messages the recorded client accepted). `userAgent`
    /// replaces the client's own `user-agent` for this call (a replay sends the recorded client's).
    public func prepareRaw(
        path: String, isStream: Bool, metadata: Metadata, timeout: Duration?, steps: [RawCall.Step],
        receiveAtLeast: Int = 0, userAgent: String? = nil, tags: TagSet = .empty
    ) throws(EngineError) -> RawCall {
        let (session, _) = try currentSession()
        var params = CallParams()
        params.metadata = metadata
        params.timeout = timeout
        var options = callOptions(params, session: session, defaultTimeout: nil)
        options.maxReceiveMessageSize = max(options.maxReceiveMessageSize, receiveAtLeast)
        options.userAgent = userAgent
        let series = rawSeries(path: path, address: session.address, tags: tags)
        return RawCall(path: path, isStream: isStream, options: options, steps: steps, series: series)
    }
}
