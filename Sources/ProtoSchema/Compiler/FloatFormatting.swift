import Foundation

/// The number and byte formats protoc writes into descriptors (`io::SimpleDtoa`, `io::SimpleFtoa`,
/// `absl::CEscape`).
enum FloatFormatting {
    /// Shortest `%g` form (15 digits, else 17) that reads back as the same double.
    static func shortest(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        // protoc's round-trip check uses strtod's errno, which glibc sets for subnormal results.
        let short = format(value, digits: 15)
        if !value.isSubnormal && strtod(short, nil) == value { return short }
        return format(value, digits: 17)
    }

    /// Shortest `%g` form (6 digits, else 9) that reads back as the same float.
    static func shortest(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let short = format(Double(value), digits: 6)
        if !value.isSubnormal && strtof(short, nil) == value { return short }
        return format(Double(value), digits: 9)
    }

    private static func format(_ value: Double, digits: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 48)
        _ = withVaList([digits, value]) { arguments in
            vsnprintf(&buffer, buffer.count, "%.*g", arguments)
        }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A double narrowed to float with IEEE rounding (values just above the largest float round
    /// down to it; larger ones become infinities), as protoc's output shows.
    static func float(_ value: Double) -> Float {
        Float(value)
    }

    /// `absl::CEscape`: C escapes for `\n \r \t \" \' \\`, three-digit octal for other
    /// non-printable bytes.
    static func cEscape(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"): out += [0x5C, UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [0x5C, UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [0x5C, UInt8(ascii: "t")]
            case UInt8(ascii: "\""): out += [0x5C, UInt8(ascii: "\"")]
            case UInt8(ascii: "'"): out += [0x5C, UInt8(ascii: "'")]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x20..<0x7F: out.append(byte)
            default:
                out += [0x5C, 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
