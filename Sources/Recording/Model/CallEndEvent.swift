/// The call is over.
public struct CallEndEvent: Sendable, Hashable {
    /// How a call ended.
    public enum Outcome: Sendable, Hashable {
        /// The server's trailers arrived (whatever their status code).
        case ok
        /// An RST_STREAM ended the call: who sent it and its HTTP/2 error code.
        case reset(by: CallSide, errorCode: UInt32)
        /// The connection failed or closed first; the text says how.
        case error(String)

        /// The `outcome` value written: `ok`, `reset` or `error`.
        public var name: String {
            switch self {
            case .ok: "ok"
            case .reset: "reset"
            case .error: "error"
            }
        }
    }

    /// Nanoseconds since the recording started.
    public var time: Int64
    /// The call id.
    public var call: Int
    /// How the call ended.
    public var outcome: Outcome

    /// An event from all its fields.
    public init(time: Int64, call: Int, outcome: Outcome) {
        self.time = time
        self.call = call
        self.outcome = outcome
    }
}
