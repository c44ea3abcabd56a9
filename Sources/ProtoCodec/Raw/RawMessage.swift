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

/// One field of a ``RawMessage``.
public struct RawField: Sendable, Equatable {
    /// The field number.
    public var number: UInt32
    /// The value, which also tells the wire type.
    public var value: RawValue

    /// A field with this number and value.
    public init(number: UInt32, value: RawValue) {
        self.number = number
        self.value = value
    }
}

/// The value of a ``RawField``, by wire type.
public indirect enum RawValue: Sendable, Equatable {
    /// Wire type 0.
    case varint(UInt64)
    /// Wire type 1.
    case fixed64(UInt64)
    /// Wire type 5.
    case fixed32(UInt32)
    /// Wire type 2 holding bytes that parse as a message.
    case message(RawMessage)
    /// Wire type 2 holding UTF-8 text.
    case string(String)
    /// Wire type 2 holding other bytes.
    case bytes([UInt8])
    /// Wire types 3 and 4: a group and its fields.
    case group(RawMessage)
}

/// Reads wire bytes into a ``RawMessage``.
struct RawDecoder {
    let recursionLimit: Int

    func decode(_ reader: inout WireReader, group: UInt32, depth: Int) throws(CodecError) -> RawMessage {
        var fields: [RawField] = []
        while reader.position < reader.limit {
            let start = reader.position
            let key = try reader.readKey()
            let number = key >> 3
            switch key & 7 {
            case 0: fields.append(RawField(number: number, value: .varint(try reader.readVarint())))
            case 1: fields.append(RawField(number: number, value: .fixed64(try reader.readFixed64())))
            case 5: fields.append(RawField(number: number, value: .fixed32(try reader.readFixed32())))
            case 2:
                let bytes = reader.take(try reader.readLength())
                fields.append(RawField(number: number, value: interpret(bytes, depth: depth)))
            case 3:
                guard depth < recursionLimit else {
                    throw CodecError(.recursionLimit, "groups nested deeper than the recursion limit", offset: start)
                }
                fields.append(
                    RawField(number: number, value: .group(try decode(&reader, group: number, depth: depth + 1))))
            default:
                guard number == group, group != 0 else {
                    throw CodecError(
                        .endGroupMismatch,
                        group == 0
                            ? "END_GROUP for field \(number) without a START_GROUP"
                            : "END_GROUP for field \(number) inside group \(group)",
                        offset: start)
                }
                return RawMessage(fields: fields)
            }
        }
        guard group == 0 else {
            throw CodecError(.truncated, "group \(group) is not closed (no END_GROUP)", offset: reader.position)
        }
        return RawMessage(fields: fields)
    }

    private func interpret(_ bytes: UnsafeBufferPointer<UInt8>, depth: Int) -> RawValue {
        let text = UTF8Check.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
        if let text, Self.isReadable(text) { return .string(text) }
        if depth < recursionLimit, !bytes.isEmpty {
            var inner = WireReader(UnsafeRawBufferPointer(bytes))
            if let message = try? decode(&inner, group: 0, depth: depth + 1), !message.fields.isEmpty,
                message.serializedBytes().elementsEqual(bytes)
            {
                return .message(message)
            }
        }
        if let text { return .string(text) }
        return .bytes(Array(bytes))
    }

    /// Text without control characters other than tab, newline and carriage return.
    static func isReadable(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.value >= 0x20 && scalar.value != 0x7F || scalar == "\t" || scalar == "\n" || scalar == "\r"
        }
    }
}

/// Writes a ``RawMessage`` back to wire bytes.
enum RawEncoder {
    static func append(_ message: RawMessage, to out: inout [UInt8]) {
        for field in message.fields {
            let number = UInt64(field.number) << 3
            switch field.value {
            case .varint(let v):
                WireWriter.appendVarint(number, to: &out)
                WireWriter.appendVarint(v, to: &out)
            case .fixed64(let v):
                WireWriter.appendVarint(number | 1, to: &out)
                withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
            case .fixed32(let v):
                WireWriter.appendVarint(number | 5, to: &out)
                withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
            case .message(let inner):
                var bytes: [UInt8] = []
                append(inner, to: &bytes)
                appendDelimited(number, bytes, to: &out)
            case .string(let text):
                appendDelimited(number, Array(text.utf8), to: &out)
            case .bytes(let bytes):
                appendDelimited(number, bytes, to: &out)
            case .group(let inner):
                WireWriter.appendVarint(number | 3, to: &out)
                append(inner, to: &out)
                WireWriter.appendVarint(number | 4, to: &out)
            }
        }
    }

    private static func appendDelimited(_ number: UInt64, _ bytes: [UInt8], to out: inout [UInt8]) {
        WireWriter.appendVarint(number | 2, to: &out)
        WireWriter.appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }
}
