/// An RPC starts: the request's header block as the client sent it.
public struct CallStartEvent: Sendable, Hashable {
    /// Nanoseconds since the recording started.
    public var time: Int64
    /// The call id, unique within the recording.
    public var call: Int
    /// The connection id (1, 2, ... in order of acceptance).
    public var connection: Int
    /// The HTTP/2 stream id.
    public var stream: Int
    /// The `:path`, e.g. `/demo.v1.Demo/Chat`.
    public var method: String
    /// The RPC kind from the schema, or `unknown`.
    public var kind: RPCKind
    /// The `:authority`, if sent.
    public var authority: String?
    /// Request metadata in wire order, without pseudo-headers and gRPC transport headers.
    public var metadata: [MetadataEntry]
    /// The `grpc-timeout` deadline, in nanoseconds, if one was sent.
    public var timeoutNanoseconds: Int64?
    /// The request `grpc-encoding` (`identity` when none).
    public var encoding: String
    /// Whether `method` was inferred from the call's messages (a capture that began mid-connection lost
    /// the `:path` in HPACK state from before it).
    public var methodInferred = false
    /// Request header fields that could not be decoded (they named HPACK state from before the capture);
    /// `metadata` lacks them.
    public var unknownHeaders = 0

    /// An event from all its fields.
    public init(
        time: Int64, call: Int, connection: Int, stream: Int, method: String, kind: RPCKind, authority: String?,
        metadata: [MetadataEntry], timeoutNanoseconds: Int64? = nil, encoding: String = "identity"
    ) {
        self.time = time
        self.call = call
        self.connection = connection
        self.stream = stream
        self.method = method
        self.kind = kind
        self.authority = authority
        self.metadata = metadata
        self.timeoutNanoseconds = timeoutNanoseconds
        self.encoding = encoding
    }
}
