import GRPCWire
import NIOCore

/// What happened when a planned call was replayed: handed to the golden check as the call ends, then
/// dropped (only aggregates are kept).
public struct CallOutcome: Sendable {
    /// The planned call's index.
    public let call: Int
    /// The replay's sequence number for this start (a plan replayed several times repeats `call`).
    public var iteration = 0
    /// The status code; nil when the call never reached the server (see `failure`).
    public let code: Int?
    /// The status message.
    public let message: String
    /// The response messages' protobuf bytes, as received (no copy).
    public let responses: [ByteBuffer]
    /// The response headers and trailing metadata, when the check compares them (else empty).
    public var headers = Metadata()
    public var trailers = Metadata()
    /// Why the call never reached the server (no connection, a deadline spent before it was sent...), if so.
    public let failure: String?
    /// Whether the status came from the server (its trailers); false when this side made it (a deadline, a
    /// cancel) or the server reset the stream.
    public var statusFromServer = true

    /// An outcome from its parts.
    public init(
        call: Int, iteration: Int = 0, code: Int?, message: String = "", responses: [ByteBuffer] = [],
        failure: String? = nil
    ) {
        self.call = call
        self.iteration = iteration
        self.code = code
        self.message = message
        self.responses = responses
        self.failure = failure
    }
}
