#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// JavaScript's number formatting, which k6's summary (a JavaScript program) uses for every number.
enum JSNumber {
    /// `Number.prototype.toString()`: `100`, `0.1`, `1e+21`, `1.5e-7`.
    static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        let decimal = ShortestDecimal(value)
        if decimal.exponent > 21 || decimal.exponent <= -6 {
            return decimal.scientific(minimumExponentDigits: 1)
        }
        return decimal.fixed
    }

    /// `Number.prototype.toFixed(precision)`: rounds half away from zero on the exact binary value.
    static func toFixed(_ value: Double, _ precision: Int) -> String {
        if !value.isFinite { return string(value) }
        if abs(value) >= 1e21 { return string(value) }
        let exact = cFormat(abs(value), precision: 40)
        var rounded = cFormat(abs(value), precision: precision)
        if isTie(exact, precision: precision) {
            rounded = roundAwayFromZero(exact, precision: precision)
        }
        return (value < 0 ? "-" : "") + rounded
    }

    /// `parseFloat(value.toFixed(precision)).toString()`: k6's `toFixedNoTrailingZeros`.
    static func toFixedNoTrailingZeros(_ value: Double, _ precision: Int) -> String {
        string(Double(toFixed(value, precision)) ?? value)
    }

    /// k6's `toFixedNoTrailingZerosTrunc`: truncate to `precision` decimals first.
    static func toFixedNoTrailingZerosTrunc(_ value: Double, _ precision: Int) -> String {
        let scale = pow10(precision)
        return toFixedNoTrailingZeros((scale * value).rounded(.towardZero) / scale, precision)
    }

    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// Whether the exact expansion has a 5 right after `precision` decimals and nothing after it.
    private static func isTie(_ exact: String, precision: Int) -> Bool {
        guard let point = exact.firstIndex(of: ".") else { return false }
        let decimals = Array(exact[exact.index(after: point)...])
        guard decimals.count > precision, decimals[precision] == "5" else { return false }
        return decimals[(precision + 1)...].allSatisfy { $0 == "0" }
    }

    private static func roundAwayFromZero(_ exact: String, precision: Int) -> String {
        let point = exact.firstIndex(of: ".")!
        var digits = Array(exact[..<point]) + Array(exact[exact.index(after: point)...].prefix(precision))
        var index = digits.count - 1
        var carry = true
        while carry, index >= 0 {
            if digits[index] == "9" {
                digits[index] = "0"
                index -= 1
            } else {
                digits[index] = Character(UnicodeScalar(digits[index].asciiValue! + 1))
                carry = false
            }
        }
        if carry { digits.insert("1", at: 0) }
        let integerCount = digits.count - precision
        let integer = String(digits[..<integerCount])
        return precision == 0 ? integer : integer + "." + String(digits[integerCount...])
    }

    /// The C library's `%.*f`, which prints the exact binary value rounded half to even.
    private static func cFormat(_ value: Double, precision: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([Int32(precision), value]) { vsnprintf(pointer.baseAddress, pointer.count, "%.*f", $0) }
        }
        return String(decoding: buffer[..<Int(written)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
