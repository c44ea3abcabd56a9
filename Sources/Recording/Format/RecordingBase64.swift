/// Base64 for recordings: standard alphabet, padded on output; padded or not, standard or URL-safe on
/// input (metadata `-bin` values arrive unpadded).
public enum RecordingBase64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Appends the padded encoding of `input` to `out`.
    public static func encode(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let count = input.count
        guard count > 0 else { return }
        let start = out.count
        let encodedCount = (count + 2) / 3 * 4
        out.append(contentsOf: repeatElement(0, count: encodedCount))
        alphabet.withUnsafeBufferPointer { table in
            out.withUnsafeMutableBufferPointer { output in
                var o = start
                var i = 0
                while i + 3 <= count {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    output[o] = table[Int(v >> 18 & 63)]
                    output[o + 1] = table[Int(v >> 12 & 63)]
                    output[o + 2] = table[Int(v >> 6 & 63)]
                    output[o + 3] = table[Int(v & 63)]
                    i += 3
                    o += 4
                }
                let rest = count - i
                if rest > 0 {
                    let v = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                    output[o] = table[Int(v >> 18 & 63)]
                    output[o + 1] = table[Int(v >> 12 & 63)]
                    output[o + 2] = rest == 2 ? table[Int(v >> 6 & 63)] : UInt8(ascii: "=")
                    output[o + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    /// The padded encoding of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { encode($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it is not base64 (padding optional; no whitespace).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        while utf8.last == UInt8(ascii: "=") { utf8.removeLast() }
        if utf8.count % 4 == 1 { return nil }
        let paddedLength = text.utf8.count
        if paddedLength != utf8.count, paddedLength % 4 != 0 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            let value = decodeTable[Int(byte)]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, as in a canonical encoding.
        if bits > 0, accumulator & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }
}
