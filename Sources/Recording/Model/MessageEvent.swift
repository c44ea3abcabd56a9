import ProtoCodec

/// One gRPC message, in either direction.
public struct MessageEvent: Sendable, Hashable {
    /// Nanoseconds since the recording started.
    public var time: Int64
    /// The call id.
    public var call: Int
    /// Which way the message went.
    public var direction: MessageDirection
    /// The message as proto3 JSON (k6's mapping); nil when the schema does not know it or it did not decode.
    public var json: JSONValue?
    /// The protobuf bytes, decompressed (after redaction, when fields were redacted).
    public var raw: [UInt8]
    /// The message length on the wire (compressed length when compressed), without the 5-byte prefix.
    public var size: Int
    /// Whether the message was sent compressed (the call's encoding says how).
    public var compressed: Bool
    /// Why the bytes did not decode with the schema, when they did not.
    public var decodeError: String?
    /// The field paths cleared by redaction.
    public var redacted: [String]
    /// A schema-less view of `raw` (ProtoCodec's `RawMessage` JSON), when asked for and the schema did not
    /// decode the message.
    public var rawFields: JSONValue?

    /// An event from all its fields.
    public init(
        time: Int64, call: Int, direction: MessageDirection, json: JSONValue?, raw: [UInt8], size: Int,
        compressed: Bool = false, decodeError: String? = nil, redacted: [String] = [], rawFields: JSONValue? = nil
    ) {
        self.time = time
        self.call = call
        self.direction = direction
        self.json = json
        self.raw = raw
        self.size = size
        self.compressed = compressed
        self.decodeError = decodeError
        self.redacted = redacted
        self.rawFields = rawFields
    }
}
