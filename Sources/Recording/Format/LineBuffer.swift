import ProtoCodec

/// Bytes of JSON being built by hand for recording lines: keys in a fixed order, strings escaped,
/// integers without going through `String`. Faster than building a `JSONValue` tree per event, and the
/// order of keys is the order of the calls.
struct LineBuffer {
    var bytes: [UInt8]

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends ASCII text as is (keys, punctuation, literals).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a JSON string.
    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Appends a JSON string from UTF-8 bytes.
    mutating func string(utf8: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        var plainStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if index > plainStart {
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[plainStart..<index]))
            }
            plainStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                raw("\\u00")
                let hex: StaticString = "0123456789abcdef"
                hex.withUTF8Buffer { digits in
                    bytes.append(digits[Int(byte >> 4)])
                    bytes.append(digits[Int(byte & 0xF)])
                }
            }
        }
        if plainStart < utf8.count { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[plainStart...])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a decimal integer.
    mutating func int(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { scratch in
            var index = 20
            repeat {
                index -= 1
                scratch[index] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[index...]))
        }
    }

    /// Appends a decimal integer.
    mutating func int(_ value: Int) { int(Int64(value)) }

    /// Appends `true` or `false`.
    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// Appends base64 of `data` as a JSON string.
    mutating func base64(_ data: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        RecordingBase64.encode(data, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends base64 of `data` as a JSON string.
    mutating func base64(_ data: [UInt8]) {
        data.withUnsafeBytes { base64($0) }
    }

    /// Appends a JSON value, compact.
    mutating func json(_ value: JSONValue) {
        bytes.append(contentsOf: value.jsonUTF8())
    }

    /// Appends `[["key","value"],...]`.
    mutating func metadata(_ entries: [MetadataEntry]) {
        bytes.append(UInt8(ascii: "["))
        for (index, entry) in entries.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            string(entry.key)
            bytes.append(UInt8(ascii: ","))
            string(entry.value)
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Appends a JSON array of strings.
    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
