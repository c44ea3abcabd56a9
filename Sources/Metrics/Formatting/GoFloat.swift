/// How k6's JSON output (Go, easyjson) writes float64 values: `strconv.AppendFloat(f, 'g', -1, 64)`, so
/// `12.5`, `123456`, `1.234567e+06`, `1e-05`.
enum GoFloat {
    /// Formats `value` like Go's `%g` with the shortest precision.
    static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let decimal = ShortestDecimal(value)
        let power = decimal.exponent - 1
        if power < -4 || power >= 6 {
            return decimal.scientific(minimumExponentDigits: 2)
        }
        return decimal.fixed
    }
}
