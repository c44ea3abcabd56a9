import Foundation

/// Decoding of literal tokens exactly as protoc's tokenizer does (`ParseStringAppend`,
/// `ParseInteger`, `ParseFloat`), including its quirks.
enum Literals {
    /// Appends the bytes a string token (quotes included) stands for. Escapes were validated by the
    /// lexer; like protoc, `\X` (upper case) decodes to `?` and octal escapes keep the low 8 bits.
    static func appendString(_ token: ArraySlice<UInt8>, to output: inout [UInt8]) {
        guard let quote = token.first else { return }
        var index = token.startIndex + 1
        let end = token.endIndex
        func byte(_ at: Int) -> UInt8 { at < end ? token[at] : 0 }
        while index < end {
            let character = token[index]
            if character == UInt8(ascii: "\\") && index + 1 < end {
                index += 1
                let escape = token[index]
                if Lexer.isOctalDigit(escape) {
                    var code = Int(escape - 0x30)
                    for _ in 0..<2 where Lexer.isOctalDigit(byte(index + 1)) {
                        index += 1
                        code = code * 8 + Int(token[index] - 0x30)
                    }
                    output.append(UInt8(truncatingIfNeeded: code))
                } else if escape == UInt8(ascii: "x") {
                    var code = 0
                    for _ in 0..<2 where Lexer.isHexDigit(byte(index + 1)) {
                        index += 1
                        code = code * 16 + hexValue(token[index])
                    }
                    output.append(UInt8(truncatingIfNeeded: code))
                } else if escape == UInt8(ascii: "u") || escape == UInt8(ascii: "U") {
                    if let (scalar, next) = unicodeEscape(token, at: index) {
                        appendUTF8(scalar, to: &output)
                        index = next - 1
                    } else {
                        output.append(escape)
                    }
                } else {
                    output.append(translate(escape))
                }
            } else if character == quote && index + 1 == end {
                // The closing quote.
            } else {
                output.append(character)
            }
            index += 1
        }
    }

    /// The bytes of one or more adjacent string tokens, concatenated.
    static func string(_ token: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(token.count)
        appendString(token, to: &output)
        return output
    }

    private static func translate(_ escape: UInt8) -> UInt8 {
        switch escape {
        case UInt8(ascii: "a"): 0x07
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "v"): 0x0B
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "?"): UInt8(ascii: "?")
        case UInt8(ascii: "'"): UInt8(ascii: "'")
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        default: UInt8(ascii: "?")
        }
    }

    static func hexValue(_ byte: UInt8) -> Int {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        default: 99
        }
    }

    /// protoc's `FetchUnicodePoint`: `\uXXXX` (joining a following low surrogate) or `\UXXXXXXXX`.
    private static func unicodeEscape(_ token: ArraySlice<UInt8>, at index: Int) -> (UInt32, Int)? {
        func hex(_ start: Int, _ count: Int) -> UInt32? {
            guard start + count <= token.endIndex else { return nil }
            var value: UInt32 = 0
            for offset in 0..<count {
                let digit = hexValue(token[start + offset])
                guard digit < 16 else { return nil }
                value = value * 16 + UInt32(digit)
            }
            return value
        }
        let length = token[index] == UInt8(ascii: "u") ? 4 : 8
        guard var code = hex(index + 1, length) else { return nil }
        var next = index + 1 + length
        if length == 4, (0xD800...0xDBFF).contains(code), next + 1 < token.endIndex,
            token[next] == UInt8(ascii: "\\"), token[next + 1] == UInt8(ascii: "u"),
            let low = hex(next + 2, 4), (0xDC00...0xDFFF).contains(low)
        {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            next += 6
        }
        return (code, next)
    }

    /// protoc's `AppendUTF8`, which also encodes lone surrogates.
    private static func appendUTF8(_ code: UInt32, to output: inout [UInt8]) {
        switch code {
        case 0..<0x80:
            output.append(UInt8(code))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (code >> 6)))
            output.append(UInt8(0x80 | (code & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (code >> 12)))
            output.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (code & 0x3F)))
        default:
            output.append(UInt8(truncatingIfNeeded: 0xF0 | (code >> 18)))
            output.append(UInt8(0x80 | ((code >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (code & 0x3F)))
        }
    }

    /// protoc's `ParseInteger`: decimal, `0x` hex or leading-zero octal, at most `max`; nil when out of range.
    static func integer(_ text: ArraySlice<UInt8>, max: UInt64) -> UInt64? {
        var index = text.startIndex
        var base: UInt64 = 10
        if text.count > 1, text[index] == UInt8(ascii: "0") {
            let second = text[index + 1]
            if second == UInt8(ascii: "x") || second == UInt8(ascii: "X") {
                base = 16
                index += 2
            } else {
                base = 8
            }
        }
        var result: UInt64 = 0
        while index < text.endIndex {
            let digit = UInt64(hexValue(text[index]))
            guard digit < base else { return nil }
            let (multiplied, overflow1) = result.multipliedReportingOverflow(by: base)
            let (added, overflow2) = multiplied.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            result = added
            index += 1
        }
        return result <= max ? result : nil
    }

    /// protoc's `ParseFloat` (strtod in the C locale; overflow gives infinity).
    static func float(_ text: ArraySlice<UInt8>) -> Double {
        var buffer = Array(text)
        buffer.append(0)
        return buffer.withUnsafeBufferPointer { pointer in
            pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { strtod($0, nil) }
        }
    }
}
