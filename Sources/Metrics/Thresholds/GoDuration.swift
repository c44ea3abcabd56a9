/// Durations as k6 reads them in options (`delayAbortEval: "10s"`): Go's `time.ParseDuration` syntax
/// (`300ms`, `1m30s`, `1.5h`, units ns us µs ms s m h), or a bare number of milliseconds.
public enum GoDuration {
    /// Parses `text` into a duration.
    public static func parse(_ text: String) throws -> Duration {
        let trimmed = text.trimmingSpaces
        if let milliseconds = ThresholdExpression.parseNumber(trimmed) {
            return .nanoseconds(try nanoseconds(milliseconds * 1_000_000, text))
        }
        var scalars = Substring(trimmed)
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        guard !scalars.isEmpty else { throw invalid(text) }
        if scalars == "0" { return .zero }
        var total: Double = 0
        while !scalars.isEmpty {
            let number = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { throw invalid(text) }
            scalars = scalars.dropFirst(number.count)
            let unit = scalars.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let scale = unitNanoseconds[String(unit)] else { throw invalid(text) }
            scalars = scalars.dropFirst(unit.count)
            total += value * scale
        }
        let nanoseconds = try nanoseconds(total, text)
        return .nanoseconds(negative ? -nanoseconds : nanoseconds)
    }

    /// Go's `Duration.String()` form (`10s`, `1m30s`, `1.5s`, `250ms`), which k6 writes back in JSON.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        nanoseconds = abs(nanoseconds)
        var text: String
        if nanoseconds < 1_000_000_000 {
            let (unit, size): (String, Int64) =
                nanoseconds < 1000 ? ("ns", 1) : nanoseconds < 1_000_000 ? ("µs", 1000) : ("ms", 1_000_000)
            text = decimal(nanoseconds, size) + unit
        } else {
            let hours = nanoseconds / 3_600_000_000_000
            let minutes = nanoseconds / 60_000_000_000 % 60
            let rest = nanoseconds % 60_000_000_000
            text = decimal(rest, 1_000_000_000) + "s"
            if hours > 0 || minutes > 0 { text = "\(minutes)m" + text }
            if hours > 0 { text = "\(hours)h" + text }
        }
        return negative ? "-" + text : text
    }

    private static func decimal(_ value: Int64, _ unit: Int64) -> String {
        let whole = value / unit
        var fraction = value % unit
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        let width = String(unit).count - 1
        digits = String(repeating: "0", count: width - digits.count) + digits
        while digits.hasSuffix("0") {
            digits.removeLast()
            fraction /= 10
        }
        return "\(whole).\(digits)"
    }

    private static let unitNanoseconds: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    /// `value` as whole nanoseconds; like Go, a duration past about 292 years is an error, not a trap.
    private static func nanoseconds(_ value: Double, _ text: String) throws -> Int64 {
        let rounded = value.rounded()
        guard let nanoseconds = Int64(exactly: rounded), nanoseconds != .min else {
            throw MetricsError(.invalidOption, "invalid duration '\(text)': longer than Go's limit of about 292 years")
        }
        return nanoseconds
    }

    private static func invalid(_ text: String) -> MetricsError {
        MetricsError(
            .invalidOption, "invalid duration '\(text)': write a number with a unit such as 10s, 1m30s or 500ms")
    }
}
