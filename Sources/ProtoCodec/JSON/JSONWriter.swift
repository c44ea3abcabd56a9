import GRPCProtocol

/// Writes JSON text into a byte array: strings escaped, numbers in their shortest exact form, and
/// objects and arrays with commas (and for pretty output, newlines and two-space indentation) placed
/// automatically. Used for ``JSONValue`` and to stream messages without building a tree.
struct JSONWriter {
    var bytes: [UInt8]
    let pretty: Bool
    /// For each open object or array, whether it has a member yet (so the next one needs a comma): one bit
    /// per level for the first 64 levels (no allocation per message), an array past them.
    private var memberBits: UInt64 = 0
    private var deeperLevels: [Bool] = []
    /// Objects and arrays open.
    private var depth = 0

    init(pretty: Bool = false, capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.pretty = pretty
    }

    /// A writer appending to `bytes` (a buffer reused from message to message).
    init(pretty: Bool, appendingTo bytes: [UInt8]) {
        self.bytes = bytes
        self.pretty = pretty
    }

    private mutating func open(_ byte: UInt8) {
        bytes.append(byte)
        if depth < 64 {
            memberBits &= ~(1 << UInt64(depth))
        } else {
            deeperLevels.append(false)
        }
        depth += 1
    }

    // MARK: Structure

    mutating func beginObject() { open(UInt8(ascii: "{")) }

    mutating func endObject() { close(UInt8(ascii: "}")) }

    mutating func beginArray() { open(UInt8(ascii: "[")) }

    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func close(_ byte: UInt8) {
        depth -= 1
        let had = depth < 64 ? memberBits >> UInt64(depth) & 1 != 0 : deeperLevels.removeLast()
        if pretty, had { newline() }
        bytes.append(byte)
    }

    /// Starts the next member of the innermost object with a key already quoted and followed by `:`.
    @inline(__always)
    mutating func writeKey(quoted key: [UInt8]) {
        separate()
        bytes.append(contentsOf: key)
        if pretty { bytes.append(UInt8(ascii: " ")) }
    }

    /// Starts the next member of the innermost object.
    mutating func writeKey(_ key: String) {
        separate()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
    }

    /// Starts the next element of the innermost array.
    @inline(__always)
    mutating func beginElement() { separate() }

    @inline(__always)
    private mutating func separate() {
        let level = depth - 1
        if level < 64 {
            if memberBits >> UInt64(level) & 1 != 0 {
                bytes.append(UInt8(ascii: ","))
            } else {
                memberBits |= 1 << UInt64(level)
            }
        } else if deeperLevels[level - 64] {
            bytes.append(UInt8(ascii: ","))
        } else {
            deeperLevels[level - 64] = true
        }
        if pretty { newline() }
    }

    private mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<depth {
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: " "))
        }
    }

    // MARK: Values

    @inline(__always) mutating func writeByte(_ byte: UInt8) { bytes.append(byte) }

    mutating func writeASCII(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func writeNull() { writeASCII("null") }
    mutating func writeBool(_ value: Bool) { value ? writeASCII("true") : writeASCII("false") }

    /// A quoted, escaped string.
    mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var copy = string
            copy.withUTF8 { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A quoted string of ASCII or UTF-8 bytes that need no escaping check (digits, base64, names).
    mutating func writeQuotedRaw(_ raw: some Collection<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: raw)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A `bytes` value as proto3 JSON writes one: padded base64 in quotes, encoded straight into the output.
    mutating func writeBase64(_ raw: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        Base64.encode(raw, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ input: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for i in 0..<input.count {
            let c = input[i]
            guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
            if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i])) }
            runStart = i + 1
            bytes.append(UInt8(ascii: "\\"))
            switch c {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            default:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
            }
        }
        if runStart < input.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart...])) }
    }

    mutating func writeNumber(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            writeNumber(value.magnitude)
        } else {
            writeNumber(UInt64(value))
        }
    }

    mutating func writeNumber(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(truncatingIfNeeded: value) + 0x30)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var v = value
            var i = 20
            while v > 0 {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<20]))
        }
    }

    /// A finite double in the shortest form that reads back exactly, formatted as JavaScript and Go's
    /// protojson do: plain decimals from 1e-6 up to 1e21, exponent form outside.
    mutating func writeNumber(_ value: Double) {
        if value == 0 {
            value.sign == .minus ? writeASCII("-0") : writeByte(UInt8(ascii: "0"))
        } else if value.rounded(.towardZero) == value, value.magnitude < 9_007_199_254_740_992 {
            writeNumber(Int64(value))
        } else {
            writeShortest(value.description)
        }
    }

    /// A finite float in the shortest form that reads back as the same `Float`.
    mutating func writeNumber(_ value: Float) {
        if value == 0 {
            value.sign == .minus ? writeASCII("-0") : writeByte(UInt8(ascii: "0"))
        } else if value.rounded(.towardZero) == value, value.magnitude < 16_777_216 {
            writeNumber(Int64(value))
        } else {
            writeShortest(value.description)
        }
    }

    /// Reformats Swift's shortest round-trip text (`1e-07`, `1.5e+21`, `0.001`) the JavaScript way.
    private mutating func writeShortest(_ text: String) {
        var utf8 = Array(text.utf8)[...]
        if utf8.first == UInt8(ascii: "-") {
            bytes.append(UInt8(ascii: "-"))
            utf8 = utf8.dropFirst()
        }
        var exponent = 0
        if let e = utf8.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: utf8[(e + 1)...], as: UTF8.self)) ?? 0
            utf8 = utf8[..<e]
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for c in utf8 {
            if c == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(c)
            if !seenPoint { point += 1 }
        }
        point += exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        // The value is 0.d1d2...dk × 10^point.
        let k = digits.count
        let n = point
        if k <= n, n <= 21 {
            bytes.append(contentsOf: digits)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n, n <= 21 {
            bytes.append(contentsOf: digits[..<n])
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: digits[n...])
        } else if -6 < n, n <= 0 {
            bytes.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            bytes.append(contentsOf: digits)
        } else {
            bytes.append(digits[0])
            if k > 1 {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: digits[1...])
            }
            bytes.append(UInt8(ascii: "e"))
            bytes.append(n - 1 >= 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
            writeNumber(UInt64((n - 1).magnitude))
        }
    }

    /// `text` as a quoted, escaped JSON string (for paths in error messages).
    static func quoted(_ text: String) -> String {
        var writer = JSONWriter()
        writer.writeString(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
