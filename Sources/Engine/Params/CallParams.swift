import GRPCWire
import Metrics

/// The parameters of `invoke`, `asyncInvoke` and `Stream`: k6's `Params`, plus Reprise's own settings
/// (marked below) that k6 does not have.
///
/// Build it in Swift, or parse k6's JSON object with `CallParams(json:)`, which validates like k6.
public struct CallParams: Sendable {
    /// Request metadata (`-bin` keys carry bytes).
    public var metadata: Metadata = [:]
    /// Tags added to the call's metric samples; a `name` tag replaces the method path in `name`.
    public var tags: TagSet = .empty
    /// The call's deadline. For `invoke`, nil or zero means k6's 2 minutes; for a stream, no deadline.
    public var timeout: Duration?
    /// Skip decoding the response: `message` is nil (a stream's `data` events get `{}`).
    public var discardResponseMessage = false
    /// Reprise: what `Response.message` holds (k6 always renders JSON). `.protobuf` leaves only
    /// `Response.rawMessage`, which is what load runs and byte-level replays want.
    public var responseFormat: ResponseFormat = .json
    /// Reprise: compress request messages (k6 cannot, issue #5113).
    public var compression: CompressionAlgorithm?

    /// The defaults: no metadata, no tags, k6's timeouts, JSON responses.
    public init() {}

    /// The defaults changed by `configure`.
    public static func with(_ configure: (inout CallParams) -> Void) -> CallParams {
        var params = CallParams()
        configure(&params)
        return params
    }

    /// k6's default invoke deadline.
    public static let defaultInvokeTimeout: Duration = .seconds(120)
}

/// What a response message becomes.
public enum ResponseFormat: Sendable, Hashable {
    /// A JSON tree with k6's mapping (camelCase names, enum names, 64-bit integers as strings, unset
    /// fields emitted).
    case json
    /// Only the protobuf bytes, in `Response.rawMessage`.
    case protobuf
}
