/// Builds JSON text into a byte buffer: the JSON lines output (Go number layout) and summaries
/// (JavaScript number layout), so both read like what k6 writes.
struct JSONWriter {
    /// How numbers are laid out.
    enum NumberStyle {
        /// Go's `%g` shortest (k6's `--out json`).
        case go
        /// JavaScript's `toString` (k6's `handleSummary` data).
        case javaScript
    }

    var bytes: [UInt8] = []
    let numberStyle: NumberStyle

    init(numberStyle: NumberStyle, capacity: Int = 256) {
        self.numberStyle = numberStyle
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func raw(_ byte: UInt8) { bytes.append(byte) }

    mutating func number(_ value: Double) {
        guard value.isFinite else {
            raw("null")
            return
        }
        raw(numberStyle == .go ? GoFloat.string(value) : JSNumber.string(value))
    }

    mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

    /// A string with the escapes both Go (without HTML escaping) and JavaScript use.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                raw("\\u00")
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A whole parsed value, compactly.
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .number(_, let text): raw(text)
        case .string(let text): string(text)
        case .array(let elements):
            raw(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { raw(UInt8(ascii: ",")) }
                self.value(element)
            }
            raw(UInt8(ascii: "]"))
        case .object(let members):
            raw(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { raw(UInt8(ascii: ",")) }
                string(member.key)
                raw(UInt8(ascii: ":"))
                self.value(member.value)
            }
            raw(UInt8(ascii: "}"))
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

extension JSONWriter {
    /// A whole parsed value with two-space indentation, like `JSON.stringify(value, null, 2)`.
    mutating func pretty(_ value: JSONValue, indent: Int = 0) {
        func newline(_ level: Int) {
            raw(UInt8(ascii: "\n"))
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        }
        switch value {
        case .array(let elements) where !elements.isEmpty:
            raw(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { raw(UInt8(ascii: ",")) }
                newline(indent + 1)
                pretty(element, indent: indent + 1)
            }
            newline(indent)
            raw(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            raw(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { raw(UInt8(ascii: ",")) }
                newline(indent + 1)
                string(member.key)
                raw(": ")
                pretty(member.value, indent: indent + 1)
            }
            newline(indent)
            raw(UInt8(ascii: "}"))
        default:
            self.value(value)
        }
    }
}
