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

    /// Reads a scalar of a field without presence into its slot, leaving the slot unset for the zero
    /// value. One switch on the type: building a ``Value`` and then asking it ``Value/isZero`` would
    /// switch twice and pass the value through memory.
    @inline(__always)
    mutating func readImplicitScalar(_ info: FieldInfo, into slot: inout Value?) throws(CodecError) {
        switch info.type {
        case .int32, .sfixed32, .sint32:
            let v: Int32
            switch info.type {
            case .int32: v = Int32(truncatingIfNeeded: try reader.readVarint())
            case .sint32: v = ZigZag.decode32(UInt32(truncatingIfNeeded: try reader.readVarint()))
            default: v = Int32(bitPattern: try reader.readFixed32())
            }
            slot = v == 0 ? nil : .int32(v)
        case .int64, .sint64, .sfixed64:
            let v: Int64
            switch info.type {
            case .int64: v = Int64(bitPattern: try reader.readVarint())
            case .sint64: v = ZigZag.decode64(try reader.readVarint())
            default: v = Int64(bitPattern: try reader.readFixed64())
            }
            slot = v == 0 ? nil : .int64(v)
        case .uint32:
            let v = UInt32(truncatingIfNeeded: try reader.readVarint())
            slot = v == 0 ? nil : .uint32(v)
        case .fixed32:
            let v = try reader.readFixed32()
            slot = v == 0 ? nil : .uint32(v)
        case .uint64:
            let v = try reader.readVarint()
            slot = v == 0 ? nil : .uint64(v)
        case .fixed64:
            let v = try reader.readFixed64()
            slot = v == 0 ? nil : .uint64(v)
        case .bool:
            slot = try reader.readVarint() != 0 ? .bool(true) : nil
        case .float:
            let bits = try reader.readFixed32()
            slot = bits == 0 ? nil : .float(Float(bitPattern: bits))
        case .double:
            let bits = try reader.readFixed64()
            slot = bits == 0 ? nil : .double(Double(bitPattern: bits))
        case .string:
            let string = try readString(info)
            slot = string.isEmpty ? nil : .string(string)
        case .bytes:
            let length = try reader.readLength()
            slot = length == 0 ? nil : .bytes(Array(reader.take(length)))
        default:
            let value = try readScalar(info)
            slot = value.isZero ? nil : value
        }
    }

    @inline(__always)
    mutating func readString(_ info: FieldInfo) throws(CodecError) -> String {
        let bytes = reader.take(try reader.readLength())
        if info.flags.contains(.validatesUTF8) {
            // One pass: the standard library validates while it creates the string (and learns whether
            // it is ASCII), where checking first and then `String(decoding:)` would scan the bytes twice
            // more. `_tryFromUTF8` is public (Foundation's entry point), just underscored.
            if let string = String._tryFromUTF8(bytes) { return string }
            throw CodecError(
                .invalidUTF8, "invalid UTF-8 in string field \(info.descriptor.fullName)",
                offset: reader.position - bytes.count + UTF8Check.firstInvalidIndex(bytes))
        }
        // Fields that do not validate keep what they can: invalid sequences become U+FFFD.
        return String(decoding: bytes, as: UTF8.self)
    }
}
