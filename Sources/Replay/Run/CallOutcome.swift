/// What happened when a planned call was replayed.
public struct CallOutcome: Sendable {
    /// The planned call's index.
    public let call: Int
    /// The replay's sequence number for this start (a plan replayed several times repeats `call`).
    public var iteration = 0
    /// When it started, since the replay started.
    public let started: Duration
    /// From start to the last event (response, trailers, error).
    public let latency: Duration
    /// The status code; nil when the call could not be made (see `failure`).
    public let code: Int?
    /// The status message.
    public let message: String
    /// The response messages' protobuf bytes.
    public let responses: [[UInt8]]
    /// Why the call could not be made (not connected, unknown method...), if so.
    public let failure: String?

    /// An outcome from its parts.
    public init(
        call: Int, started: Duration, latency: Duration, code: Int?, message: String = "", responses: [[UInt8]] = [],
        failure: String? = nil
    ) {
        self.call = call
        self.started = started
        self.latency = latency
        self.code = code
        self.message = message
        self.responses = responses
        self.failure = failure
    }
}
