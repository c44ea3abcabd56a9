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
