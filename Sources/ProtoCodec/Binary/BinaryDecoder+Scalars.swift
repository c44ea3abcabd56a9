import ProtoSchema

extension BinaryDecoder {
    /// Reads one scalar (not a message, group or closed-enum check) of the field's type.
    @inline(__always)
    mutating func readScalar(_ info: FieldInfo) throws(CodecError) -> Value {
        switch info.type {
        case .int32: return .int32(Int32(truncatingIfNeeded: try reader.readVarint()))
        case .int64: return .int64(Int64(bitPattern: try reader.readVarint()))
        case .uint32: return .uint32(UInt32(truncatingIfNeeded: try reader.readVarint()))
        case .uint64: return .uint64(try reader.readVarint())
        case .sint32: return .int32(ZigZag.decode32(UInt32(truncatingIfNeeded: try reader.readVarint())))
        case .sint64: return .int64(ZigZag.decode64(try reader.readVarint()))
        case .bool: return .bool(try reader.readVarint() != 0)
        case .enum: return .enumNumber(Int32(truncatingIfNeeded: try reader.readVarint()))
        case .fixed32: return .uint32(try reader.readFixed32())
        case .sfixed32: return .int32(Int32(bitPattern: try reader.readFixed32()))
        case .float: return .float(Float(bitPattern: try reader.readFixed32()))
        case .fixed64: return .uint64(try reader.readFixed64())
        case .sfixed64: return .int64(Int64(bitPattern: try reader.readFixed64()))
        case .double: return .double(Double(bitPattern: try reader.readFixed64()))
        case .string: return .string(try readString(info))
        case .bytes: return .bytes(Array(reader.take(try reader.readLength())))
        case .message, .group:
            preconditionFailure("readScalar called for a message field")
        }
    }

    @inline(__always)
    mutating func readString(_ info: FieldInfo) throws(CodecError) -> String {
        let bytes = reader.take(try reader.readLength())
        if info.flags.contains(.validatesUTF8), !UTF8Check.isValid(bytes) {
            throw CodecError(
                .invalidUTF8, "invalid UTF-8 in string field \(info.descriptor.fullName)",
                offset: reader.position - bytes.count + UTF8Check.firstInvalidIndex(bytes))
        }
        // Checking here and then copying is much faster than String's generic `validating:` initialiser.
        // Fields that do not validate keep what they can: invalid sequences become U+FFFD.
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// ZigZag encoding of signed integers (`sint32`, `sint64`).
enum ZigZag {
    @inline(__always) static func decode32(_ n: UInt32) -> Int32 { Int32(bitPattern: (n >> 1) ^ (0 &- (n & 1))) }
    @inline(__always) static func decode64(_ n: UInt64) -> Int64 { Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1))) }
    @inline(__always) static func encode32(_ n: Int32) -> UInt32 { UInt32(bitPattern: (n << 1) ^ (n >> 31)) }
    @inline(__always) static func encode64(_ n: Int64) -> UInt64 { UInt64(bitPattern: (n << 1) ^ (n >> 63)) }
}

/// Locates invalid UTF-8 for error messages.
enum UTF8Check {
    /// Whether `bytes` is valid UTF-8; ASCII is checked eight bytes at a time.
    @inline(__always)
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        let n = bytes.count
        while i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        while i < n, base[i] < 0x80 { i += 1 }
        if i == n { return true }
        let rest = UnsafeBufferPointer(rebasing: bytes[i...])
        return firstInvalidIndex(rest) == rest.count
    }

    /// The index of the first byte that starts an invalid or truncated sequence (count when valid).
    static func firstInvalidIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            guard bytes[i + 1] >= lower, bytes[i + 1] <= upper else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return n
    }
}
