/// Protobuf wire-format records, the way protoc's option interpreter first stores option values
/// (an `UnknownFieldSet`) before the options message is reparsed.
struct WireRecord {
    enum Value {
        case varint(UInt64)
        case fixed32(UInt32)
        case fixed64(UInt64)
        case bytes([UInt8])
        case group([WireRecord])
    }

    var number: Int32
    var value: Value
}

/// Encoding and decoding of wire records.
enum WireCoding {
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func appendTag(_ number: Int32, _ wireType: UInt64, to out: inout [UInt8]) {
        appendVarint(UInt64(UInt32(bitPattern: number)) << 3 | wireType, to: &out)
    }

    static func appendFixed32(_ value: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func appendFixed64(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func append(_ record: WireRecord, to out: inout [UInt8]) {
        switch record.value {
        case .varint(let value):
            appendTag(record.number, 0, to: &out)
            appendVarint(value, to: &out)
        case .fixed64(let value):
            appendTag(record.number, 1, to: &out)
            appendFixed64(value, to: &out)
        case .bytes(let bytes):
            appendTag(record.number, 2, to: &out)
            appendVarint(UInt64(bytes.count), to: &out)
            out += bytes
        case .group(let records):
            appendTag(record.number, 3, to: &out)
            for inner in records { append(inner, to: &out) }
            appendTag(record.number, 4, to: &out)
        case .fixed32(let value):
            appendTag(record.number, 5, to: &out)
            appendFixed32(value, to: &out)
        }
    }

    static func encode(_ records: [WireRecord]) -> [UInt8] {
        var out: [UInt8] = []
        for record in records { append(record, to: &out) }
        return out
    }

    /// Decodes well-formed records (as produced by this encoder); nil on malformed input.
    static func decode(_ bytes: [UInt8]) -> [WireRecord]? {
        var index = 0
        var endGroup: Int32?
        let records = decode(bytes, &index, endGroup: &endGroup, depth: 0)
        return index == bytes.count && endGroup == nil ? records : nil
    }

    private static func decode(_ bytes: [UInt8], _ index: inout Int, endGroup: inout Int32?, depth: Int)
        -> [WireRecord]?
    {
        guard depth < 100 else { return nil }
        var records: [WireRecord] = []
        while index < bytes.count {
            guard let tag = readVarint(bytes, &index) else { return nil }
            let number = Int32(truncatingIfNeeded: tag >> 3)
            switch tag & 7 {
            case 0:
                guard let value = readVarint(bytes, &index) else { return nil }
                records.append(WireRecord(number: number, value: .varint(value)))
            case 1:
                guard index + 8 <= bytes.count else { return nil }
                var value: UInt64 = 0
                for offset in 0..<8 { value |= UInt64(bytes[index + offset]) << UInt64(offset * 8) }
                index += 8
                records.append(WireRecord(number: number, value: .fixed64(value)))
            case 2:
                guard let length = readVarint(bytes, &index), length <= UInt64(bytes.count - index) else { return nil }
                records.append(WireRecord(number: number, value: .bytes(Array(bytes[index..<index + Int(length)]))))
                index += Int(length)
            case 3:
                var end: Int32?
                guard let inner = decode(bytes, &index, endGroup: &end, depth: depth + 1), end == number else {
                    return nil
                }
                records.append(WireRecord(number: number, value: .group(inner)))
            case 4:
                endGroup = number
                return records
            case 5:
                guard index + 4 <= bytes.count else { return nil }
                var value: UInt32 = 0
                for offset in 0..<4 { value |= UInt32(bytes[index + offset]) << UInt32(offset * 8) }
                index += 4
                records.append(WireRecord(number: number, value: .fixed32(value)))
            default:
                return nil
            }
        }
        return records
    }

    static func readVarint(_ bytes: [UInt8], _ index: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    static func zigZag32(_ value: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    static func zigZag64(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
