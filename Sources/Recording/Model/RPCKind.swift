/// The shape of an RPC, from the schema's `stream` keywords.
public enum RPCKind: String, Sendable, Hashable, CaseIterable {
    /// One request, one response.
    case unary
    /// A stream of requests, one response.
    case clientStreaming = "client_streaming"
    /// One request, a stream of responses.
    case serverStreaming = "server_streaming"
    /// Streams both ways.
    case bidi
    /// The method is not in the schema the recording was made with.
    case unknown

    /// Whether the client sends a stream of messages (client streaming or bidirectional).
    public var isClientStreaming: Bool { self == .clientStreaming || self == .bidi }
    /// Whether the server sends a stream of messages (server streaming or bidirectional).
    public var isServerStreaming: Bool { self == .serverStreaming || self == .bidi }

    /// The kind of a method with these streaming flags.
    public init(clientStreaming: Bool, serverStreaming: Bool) {
        switch (clientStreaming, serverStreaming) {
        case (false, false): self = .unary
        case (true, false): self = .clientStreaming
        case (false, true): self = .serverStreaming
        case (true, true): self = .bidi
        }
    }
}
