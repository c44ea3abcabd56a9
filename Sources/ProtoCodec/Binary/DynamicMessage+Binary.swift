import Foundation

extension DynamicMessage {
    /// Decodes protobuf binary of `type` from raw bytes (e.g. the readable bytes of a NIO `ByteBuffer`).
    ///
    /// Malformed input is a ``CodecError`` naming the byte offset and what was wrong; it never traps and
    /// never allocates more than the input's size suggests.
    public init(
        type: MessageType, serializedBytes bytes: UnsafeRawBufferPointer, options: BinaryDecodingOptions = .default
    ) throws(CodecError) {
        self.init(type: type)
        try merge(serializedBytes: bytes, options: options)
    }

    /// Decodes protobuf binary of `type` from an array of bytes.
    public init(type: MessageType, serializedBytes bytes: [UInt8], options: BinaryDecodingOptions = .default)
        throws(CodecError)
    {
        self.init(type: type)
        try Self.withBytes(of: bytes) { (buffer) throws(CodecError) in
            try merge(serializedBytes: buffer, options: options)
        }
    }

    /// Decodes protobuf binary of `type` from `Data`.
    public init(type: MessageType, serializedData data: Data, options: BinaryDecodingOptions = .default)
        throws(CodecError)
    {
        self.init(type: type)
        try Self.withBytes(of: data) { (buffer) throws(CodecError) in
            try merge(serializedBytes: buffer, options: options)
        }
    }

    /// Decodes protobuf binary into this message, as protobuf merges: singular fields are replaced,
    /// repeated fields appended to, and messages merged recursively.
    public mutating func merge(serializedBytes bytes: UnsafeRawBufferPointer, options: BinaryDecodingOptions = .default)
        throws(CodecError)
    {
        var decoder = BinaryDecoder(bytes, options: options)
        try decoder.decodeFields(into: &self, group: 0, depth: 0)
        if !options.allowPartial, layout.mayHaveRequiredFields {
            try checkRequiredFields()
        }
    }

    static func withBytes<R>(of data: some ContiguousBytes, _ body: (UnsafeRawBufferPointer) throws(CodecError) -> R)
        throws(CodecError) -> R
    {
        let result: Result<R, CodecError> = data.withUnsafeBytes { buffer in
            do throws(CodecError) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
