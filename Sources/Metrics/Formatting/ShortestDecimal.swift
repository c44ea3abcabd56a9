/// A finite double as its shortest round-tripping decimal digits: value = 0.d₁d₂…dₖ × 10^exponent.
/// JavaScript, Go and Swift all print these same digits; they differ only in layout.
struct ShortestDecimal {
    var negative: Bool
    /// The significant digits as ASCII, no leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// Position of the decimal point relative to the first digit (JavaScript's `n`).
    var exponent: Int

    init(_ value: Double) {
        precondition(value.isFinite, "only finite values have decimal digits")
        negative = value.sign == .minus && value != 0
        digits = []
        exponent = 0
        if value == 0 { return }
        // Swift's description gives the shortest round-trip digits, as "123.45", "1e-07" or "1.5e+21".
        let text = Array(abs(value).description.utf8)
        var mantissa: [UInt8] = []
        var pointPosition: Int?
        var index = 0
        while index < text.count, text[index] != UInt8(ascii: "e") {
            if text[index] == UInt8(ascii: ".") {
                pointPosition = mantissa.count
            } else {
                mantissa.append(text[index])
            }
            index += 1
        }
        var power = 0
        if index < text.count {
            power = Int(String(decoding: text[(index + 1)...], as: UTF8.self)) ?? 0
        }
        var position = (pointPosition ?? mantissa.count) + power
        while let first = mantissa.first, first == UInt8(ascii: "0") {
            mantissa.removeFirst()
            position -= 1
        }
        while let last = mantissa.last, last == UInt8(ascii: "0") { mantissa.removeLast() }
        digits = mantissa
        exponent = position
    }

    /// The digits laid out without an exponent (`0.000123`, `1230`, `12.3`).
    var fixed: String {
        if digits.isEmpty { return "0" }
        var out = negative ? "-" : ""
        let text = String(decoding: digits, as: UTF8.self)
        if exponent <= 0 {
            out += "0." + String(repeating: "0", count: -exponent) + text
        } else if exponent >= digits.count {
            out += text + String(repeating: "0", count: exponent - digits.count)
        } else {
            let split = text.index(text.startIndex, offsetBy: exponent)
            out += text[..<split] + "." + text[split...]
        }
        return out
    }

    /// The digits in scientific layout with `minimumExponentDigits` (`1.5e+21` for 1, `1e-07` for 2).
    func scientific(minimumExponentDigits: Int) -> String {
        if digits.isEmpty { return "0e+" + String(repeating: "0", count: minimumExponentDigits) }
        var out = negative ? "-" : ""
        out += String(UnicodeScalar(digits[0]))
        if digits.count > 1 { out += "." + String(decoding: digits[1...], as: UTF8.self) }
        let power = exponent - 1
        var powerDigits = String(abs(power))
        if powerDigits.count < minimumExponentDigits {
            powerDigits = String(repeating: "0", count: minimumExponentDigits - powerDigits.count) + powerDigits
        }
        return out + "e" + (power < 0 ? "-" : "+") + powerDigits
    }
}
