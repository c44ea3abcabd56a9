#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// k6's value formatting in the end-of-test summary (its `humanizeValue` and friends), reproduced
/// number for number: durations as `ns`, `µs`, `ms`, `s`, `1m30s`; bytes as `B`, `kB`, `MB` (powers of
/// 1000); rates as truncated percentages; other numbers with up to 6 decimals.
public enum Humanize {
    /// A value of a metric of `type` holding `contains`, as k6 shows it.
    public static func value(_ value: Double, type: MetricType, contains: ValueKind, timeUnit: String? = nil) -> String
    {
        if type == .rate {
            return JSNumber.toFixed((value * 100 * 100).rounded(.towardZero) / 100, 2) + "%"
        }
        switch contains {
        case .data: return bytes(value)
        case .time: return duration(milliseconds: value, unit: timeUnit)
        case .default: return JSNumber.toFixedNoTrailingZeros(value, 6)
        }
    }

    /// Bytes in powers of 1000 with one decimal below 10 (`4.1 kB`, `762 B`, `12 MB`).
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
        if value < 10 { return JSNumber.string(value) + " B" }
        let exponent = Int((log(value) / log(1000)).rounded(.down))
        let scaled = ((value / pow(1000, Double(exponent))) * 10 + 0.5).rounded(.down) / 10
        let unit = exponent < units.count ? units[exponent] : "undefined"
        return JSNumber.toFixed(scaled, scaled < 10 ? 1 : 0) + " " + unit
    }

    /// A duration given in milliseconds: in `unit` (`s`, `ms`, `us`) with 2 decimals when set, otherwise
    /// in the largest fitting unit, truncated to 2 decimals (`33.75ms`, `1.16s`, `1m30s`).
    public static func duration(milliseconds: Double, unit: String? = nil) -> String {
        if let unit, let (suffix, coefficient) = fixedUnits[unit] {
            return JSNumber.toFixed(milliseconds * coefficient, 2) + suffix
        }
        let duration = milliseconds
        if duration == 0 { return "0s" }
        if duration < 0.001 { return JSNumber.string((duration * 1_000_000).rounded(.towardZero)) + "ns" }
        if duration < 1 { return JSNumber.toFixedNoTrailingZerosTrunc(duration * 1000, 2) + "µs" }
        if duration < 1000 { return JSNumber.toFixedNoTrailingZerosTrunc(duration, 2) + "ms" }
        var text =
            JSNumber.toFixedNoTrailingZerosTrunc(
                duration.truncatingRemainder(dividingBy: 60000) / 1000, duration > 60000 ? 0 : 2) + "s"
        var rest = (duration / 60000).rounded(.towardZero)
        if rest < 1 { return text }
        text = JSNumber.string(rest.truncatingRemainder(dividingBy: 60)) + "m" + text
        rest = (rest / 60).rounded(.towardZero)
        if rest < 1 { return text }
        return JSNumber.string(rest) + "h" + text
    }

    private static let fixedUnits: [String: (String, Double)] = [
        "s": ("s", 0.001), "ms": ("ms", 1), "us": ("µs", 1000),
    ]
}
