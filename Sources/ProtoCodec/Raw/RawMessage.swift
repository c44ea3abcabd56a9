/// A protobuf message decoded without a schema: each field's number, wire type and value.
///
/// Length-delimited values are shown as what they most likely are: readable text as a string, bytes
/// that parse as a message (and re-encode to the same bytes) as a nested message, other valid UTF-8 as
/// a string, anything else as bytes. Encoding a raw message gives back the exact input bytes, so
/// recordings of services without a schema stay replayable.
public struct RawMessage: Sendable, Equatable {
    /// The fields, in wire order.
    public var fields: [RawField]

    /// A raw message of these fields.
    public init(fields: [RawField] = []) {
        self.fields = fields
    }

    /// Decodes protobuf binary without a schema.
    public init(serializedBytes bytes: UnsafeRawBufferPointer, recursionLimit: Int = 100) throws(CodecError) {
        var reader = WireReader(bytes)
        self = try RawDecoder(recursionLimit: recursionLimit).decode(&reader, group: 0, depth: 0)
    }

    /// Decodes protobuf binary without a schema.
    public init(serializedBytes bytes: [UInt8], recursionLimit: Int = 100) throws(CodecError) {
        let result: Result<RawMessage, CodecError> = bytes.withUnsafeBytes { buffer in
            do throws(CodecError) {
                return .success(try RawMessage(serializedBytes: buffer, recursionLimit: recursionLimit))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// The message as protobuf binary.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        RawEncoder.append(self, to: &out)
        return out
    }
}
