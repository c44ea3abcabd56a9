import ProtoSchema

/// Reads the `[default = ...]` text protoc stores in a FieldDescriptorProto.
enum DefaultValueParser {
    static func parse(_ text: String, for info: FieldInfo) throws -> Value {
        func bad() -> CodecError {
            CodecError(
                .invalidSchema, "field \(info.descriptor.fullName) has an unreadable default value \"\(text)\"")
        }
        switch info.kind {
        case .bool:
            guard text == "true" || text == "false" else { throw bad() }
            return .bool(text == "true")
        case .int32:
            guard let v = Int32(text) else { throw bad() }
            return .int32(v)
        case .int64:
            guard let v = Int64(text) else { throw bad() }
            return .int64(v)
        case .uint32:
            guard let v = UInt32(text) else { throw bad() }
            return .uint32(v)
        case .uint64:
            guard let v = UInt64(text) else { throw bad() }
            return .uint64(v)
        case .float:
            guard let v = floatingDefault(text) else { throw bad() }
            return .float(Float(v))
        case .double:
            guard let v = floatingDefault(text) else { throw bad() }
            return .double(v)
        case .string:
            return .string(text)
        case .bytes:
            guard let bytes = unescapeC(text) else { throw bad() }
            return .bytes(bytes)
        case .enumNumber:
            guard let value = info.enumType?.value(named: text) else { throw bad() }
            return .enumNumber(value.number)
        case .message:
            throw bad()
        }
    }

    private static func floatingDefault(_ text: String) -> Double? {
        switch text {
        case "inf": .infinity
        case "-inf": -.infinity
        case "nan": .nan
        default: Double(text)
        }
    }

    /// Undoes protoc's `CEscape` of bytes defaults: `\n`, `\"`, octal `\377` and hex `\xff`.
    static func unescapeC(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        func isOctal(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x37 }
        while i < input.count {
            let c = input[i]
            i += 1
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                continue
            }
            guard i < input.count else { return nil }
            let e = input[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "x"):
                var value = 0
                var digits = 0
                while i < input.count, digits < 2, let d = hexDigit(input[i]) {
                    value = value * 16 + d
                    i += 1
                    digits += 1
                }
                guard digits > 0 else { return nil }
                out.append(UInt8(value))
            case _ where isOctal(e):
                var value = Int(e - 0x30)
                var digits = 1
                while i < input.count, digits < 3, isOctal(input[i]) {
                    value = value * 8 + Int(input[i] - 0x30)
                    i += 1
                    digits += 1
                }
                guard value < 256 else { return nil }
                out.append(UInt8(value))
            default:
                out.append(e)  // \\ \' \" \?
            }
        }
        return out
    }

    private static func hexDigit(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: Int(c - 0x30)
        case 0x61...0x66: Int(c - 0x61 + 10)
        case 0x41...0x46: Int(c - 0x41 + 10)
        default: nil
        }
    }
}
