/// Base64 (RFC 4648) as gRPC and its neighbours use it: the standard alphabet on output, padded or not,
/// and decoding whose strictness each caller states with ``DecodingOptions``.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The standard alphabet's values, 0xFF where a byte is not one of its characters.
    static let standardTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The standard table plus the URL-safe `-` and `_`, which never clash with the standard characters.
    static let urlSafeTable: [UInt8] = {
        var table = standardTable
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// The length of the encoding of `count` bytes, with `=` padding unless `padded` is false.
    @inlinable
    public static func encodedCount(_ count: Int, padded: Bool = true) -> Int {
        let rest = count % 3
        return count / 3 * 4 + (rest == 0 ? 0 : (padded ? 4 : rest + 1))
    }

    /// Appends the encoding of `input` to `out`, with `=` padding unless `padded` is false.
    public static func encode(_ input: UnsafeRawBufferPointer, padded: Bool = true, into out: inout [UInt8]) {
        let length = encodedCount(input.count, padded: padded)
        guard length > 0 else { return }
        // A chunk at a time through 1 KiB of scratch (whole groups of three bytes until the last), each
        // appended with one copy: appending a run of zeros to write over was a loop per byte, and scratch
        // as large as the input would double a large field's memory for a moment.
        let chunk = 768
        withUnsafeTemporaryAllocation(byteCount: min(length, encodedCount(chunk)), alignment: 1) { scratch in
            var start = 0
            while start < input.count {
                let piece = UnsafeRawBufferPointer(rebasing: input[start..<min(start + chunk, input.count)])
                encode(piece, padded: padded, into: scratch)
                out.append(
                    contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<encodedCount(piece.count, padded: padded)]))
                start += piece.count
            }
        }
    }

    /// Writes the encoding of `input` at the start of `output`, which holds at least
    /// ``encodedCount(_:padded:)`` bytes (a writer's own buffer: no array in between).
    public static func encode(
        _ input: UnsafeRawBufferPointer, padded: Bool = true, into output: UnsafeMutableRawBufferPointer
    ) {
        let count = input.count
        precondition(output.count >= encodedCount(count, padded: padded), "base64 output too small")
        guard count > 0 else { return }
        let rest = count % 3
        alphabet.withUnsafeBufferPointer { table in
            var o = 0
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
            guard rest > 0 else { return }
            let v = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
            output[o] = table[Int(v >> 18 & 63)]
            output[o + 1] = table[Int(v >> 12 & 63)]
            if rest == 2 {
                output[o + 2] = table[Int(v >> 6 & 63)]
            } else if padded {
                output[o + 2] = UInt8(ascii: "=")
            }
            if padded { output[o + 3] = UInt8(ascii: "=") }
        }
    }

    /// The encoding of `bytes`, with `=` padding unless `padded` is false.
    public static func encode(_ bytes: some Collection<UInt8>, padded: Bool = true) -> String {
        var out: [UInt8] = []
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            encode(UnsafeRawBufferPointer(buffer), padded: padded, into: &out)
        }
        if done == nil { Array(bytes).withUnsafeBytes { encode($0, padded: padded, into: &out) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes, or `nil` when it is not base64 under `options`. By default either
    /// alphabet, padded or unpadded; padding, when present, must complete the last group of four.
    public static func decode(
        _ text: some StringProtocol, options: DecodingOptions = .urlSafeAlphabet
    ) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        let length = utf8.count
        if options.contains(.ignoringExtraPadding) {
            while utf8.last == UInt8(ascii: "=") { utf8.removeLast() }
        } else if length % 4 == 0, utf8.last == UInt8(ascii: "=") {
            utf8.removeLast()
            if utf8.last == UInt8(ascii: "=") { utf8.removeLast() }
        }
        if options.contains(.paddingRequired), length % 4 != 0 { return nil }
        if utf8.count % 4 == 1 { return nil }
        let table = options.contains(.urlSafeAlphabet) ? urlSafeTable : standardTable
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            let value = table[Int(byte)]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        if options.contains(.canonical), bits > 0, accumulator & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }
}
