import Foundation
import TestSupport
import Testing

@testable import Recording

/// The hand-written JSON pieces of recording lines: integers at every length and at the extremes, strings
/// with characters to escape at every place around the eight-byte blocks the writer skips through.
@Suite struct LineBufferTests {
    private func written(_ value: Int64) -> String {
        var line = LineBuffer()
        line.int(value)
        return String(decoding: line.bytes, as: UTF8.self)
    }

    @Test func integersReadAsSwiftPrintsThem() {
        var values: [Int64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, .max, .min, .max - 1, .min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power, -(power - 1)]
        }
        for value in values { #expect(written(value) == String(value), "\(value)") }
    }

    /// Random values of every length up to 18 digits, zeros among their digits, several in one line.
    @Test func integersOfEveryLengthInARow() {
        var random = SeededGenerator(seed: 11)
        var line = LineBuffer(capacity: 64)
        var expected = ""
        for index in 0..<20_000 {
            let digits = 1 + random.below(18)
            var value: Int64 = 0
            for _ in 0..<digits { value = value * 10 + Int64(random.below(4) == 0 ? 0 : random.below(10)) }
            if index % 3 == 0 { value = -value }
            line.int(value)
            line.append(UInt8(ascii: ","))
            expected += "\(value),"
        }
        #expect(String(decoding: line.bytes, as: UTF8.self) == expected)
    }

    private func written(_ text: String) -> String {
        var line = LineBuffer()
        line.string(text)
        return String(decoding: line.bytes, as: UTF8.self)
    }

    /// The escaping the writer must produce, a byte at a time.
    private func expected(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func stringsEscapeEveryQuoteBackslashAndControlCharacterWhereverItFalls() throws {
        // Plain bytes just above and below the ones to escape (a block test that is off by one shows here),
        // and UTF-8 of two to four bytes, whose bytes are all 0x80 or more.
        let pieces: [String] = [
            "a", "Z", "!", "#", "[", "]", "~", " ", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1f}", "\u{7f}", "é", "€",
            "😀",
        ]
        var random = SeededGenerator(seed: 7)
        for _ in 0..<5_000 {
            let text = (0..<random.below(40)).map { _ in pieces[random.below(pieces.count)] }.joined()
            let line = written(text)
            #expect(line == expected(text), "\(text.debugDescription)")
            let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed)
            #expect(decoded as? String == text)
        }
        // One character to escape at each offset of a 24-byte plain run.
        for offset in 0..<24 {
            var text = String(repeating: "x", count: 24)
            text.insert("\"", at: text.index(text.startIndex, offsetBy: offset))
            #expect(written(text) == expected(text))
        }
    }
}
