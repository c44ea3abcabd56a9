/// One way a replayed call differs from its recording.
public struct Mismatch: Sendable, Hashable, CustomStringConvertible {
    /// What differs.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The gRPC status code.
        case status
        /// The status message (path `status.message`).
        case statusMessage = "status message"
        /// A compared response header (path `headers.KEY`).
        case header
        /// A compared trailer (path `trailers.KEY`).
        case trailer
        /// The number of response messages.
        case messageCount = "message count"
        /// A recorded response message that did not come back (path `responses[N]`).
        case missingMessage = "missing message"
        /// A response message the recording does not have (path `responses[N]`).
        case extraMessage = "extra message"
        /// A field of a response message (a path into it).
        case field
        /// A response message that could not be compared field by field (no schema, or it does not
        /// decode), compared as bytes.
        case bytes
        /// The call could not be made at all.
        case failure
    }

    /// What differs.
    public var kind: Kind
    /// Where, in ``FieldPath``'s syntax (a rule that works in `--ignore`): `responses[0].user.name` for a
    /// field, `status.message`, `responses[2]` for a missing or extra message; empty for the status code,
    /// the message count and a failed call.
    public var path: String
    /// The recorded value, as JSON text or a short description.
    public var expected: String
    /// The replayed value.
    public var actual: String

    /// A mismatch from its parts.
    public init(_ kind: Kind, path: String = "", expected: String, actual: String) {
        self.kind = kind
        self.path = path
        self.expected = expected
        self.actual = actual
    }

    public var description: String {
        let place = path.isEmpty ? kind.rawValue : "\(kind.rawValue) \(path)"
        return "\(place): recorded \(expected), replayed \(actual)"
    }

    /// Whether the status was not as recorded or the call never reached the server.
    public var isFailure: Bool { kind == .status || kind == .failure }
}
