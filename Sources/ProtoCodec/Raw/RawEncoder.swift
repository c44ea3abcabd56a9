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
