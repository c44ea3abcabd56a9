/// The server's response headers (not sent for a trailers-only response).
public struct ResponseHeadersEvent: Sendable, Hashable {
    /// Nanoseconds since the recording started.
    public var time: Int64
    /// The call id.
    public var call: Int
    /// The HTTP `:status`.
    public var status: Int
    /// Response metadata in wire order, without pseudo-headers and gRPC transport headers.
    public var metadata: [MetadataEntry]
    /// The response `grpc-encoding` (`identity` when none).
    public var encoding: String

    /// An event from all its fields.
    public init(time: Int64, call: Int, status: Int = 200, metadata: [MetadataEntry], encoding: String = "identity") {
        self.time = time
        self.call = call
        self.status = status
        self.metadata = metadata
        self.encoding = encoding
    }
}
