import ProtoCodec

/// The call's gRPC status, from the trailers (or from the only header block of a trailers-only response).
public struct TrailersEvent: Sendable, Hashable {
    /// Nanoseconds since the recording started.
    public var time: Int64
    /// The call id.
    public var call: Int
    /// The gRPC status code (0 to 16; other values are kept as sent).
    public var code: Int
    /// The decoded `grpc-message`.
    public var message: String
    /// The `grpc-status-details-bin` entries, each a JSON `Any` (`{"@type": ..., "raw": "<base64>"}` for
    /// types the schema does not know).
    public var details: [JSONValue]
    /// Trailing metadata in wire order, without the status headers.
    public var metadata: [MetadataEntry]
    /// Whether the server sent no headers before the status.
    public var trailersOnly: Bool
    /// The HTTP `:status` of a trailers-only response (nil otherwise).
    public var httpStatus: Int?

    /// An event from all its fields.
    public init(
        time: Int64, call: Int, code: Int, message: String = "", details: [JSONValue] = [],
        metadata: [MetadataEntry] = [],
        trailersOnly: Bool = false, httpStatus: Int? = nil
    ) {
        self.time = time
        self.call = call
        self.code = code
        self.message = message
        self.details = details
        self.metadata = metadata
        self.trailersOnly = trailersOnly
        self.httpStatus = httpStatus
    }
}
