/// One metadata pair as it was on the wire: a lower-case key and its value text (for `-bin` keys the
/// base64 text seen, not the decoded bytes), or the redaction marker.
public struct MetadataEntry: Sendable, Hashable, CustomStringConvertible {
    /// The lower-case key.
    public var key: String
    /// The value text.
    public var value: String

    /// A pair from its key and value text.
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    /// Whether the key carries binary values (`-bin`).
    public var isBinary: Bool { key.utf8.count > 4 && key.hasSuffix("-bin") }

    /// The decoded bytes of a `-bin` value (base64, padded or not), or nil when it is not base64.
    public var binaryValue: [UInt8]? { RecordingBase64.decode(value) }

    public var description: String { "\(key): \(value)" }
}
