/// One way a replayed call differs from its recording.
public struct Mismatch: Sendable, Hashable, CustomStringConvertible {
    /// What differs.
    public enum Kind: String, Sendable, Hashable {
        /// The gRPC status code.
        case status
        /// The status message.
        case statusMessage = "status message"
        /// The number of response messages.
        case messageCount = "message count"
        /// A field of a response message (a JSON path into it).
        case field
        /// A response message that could not be compared field by field (no schema, or it does not
        /// decode), compared as bytes.
        case bytes
        /// The call could not be made at all.
        case failure
    }

    /// What differs.
    public var kind: Kind
    /// Where: `responses[0].$.user.name` for a field, empty otherwise.
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
}
