/// RFC 3339 timestamps (`2026-08-21T10:00:00.123Z`) without Foundation, locale or time zone: formatted in
/// UTC, parsed with any offset, and the proleptic Gregorian calendar arithmetic both need.
public enum RFC3339 {
    /// How many fractional digits a formatted timestamp carries.
    public enum Fraction: Hashable, Sendable {
        /// Up to nine digits with trailing zeros dropped, and no dot for whole seconds (Go's `RFC3339Nano`).
        case trimmed
        /// Always three digits, truncated (milliseconds).
        case milliseconds
        /// None, three, six or nine digits, the fewest that show the value exactly (protobuf's JSON).
        case groupsOfThree
    }

    /// `seconds` and `nanoseconds` (0...999,999,999) since the Unix epoch, in UTC with a `Z`.
    public static func string(seconds: Int64, nanoseconds: Int32, fraction: Fraction) -> String {
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        text += fractionText(nanoseconds: nanoseconds, fraction: fraction)
        return text + "Z"
    }

    /// The fractional part for `nanoseconds` (0...999,999,999) written as `fraction` says, with its dot;
    /// empty when the style drops a zero fraction.
    public static func fractionText(nanoseconds: Int32, fraction: Fraction) -> String {
        let nanos = Int64(nanoseconds)
        switch fraction {
        case .milliseconds:
            return "." + pad(nanos / 1_000_000, 3)
        case .trimmed where nanos != 0:
            var digits = pad(nanos, 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            return "." + digits
        case .groupsOfThree where nanos != 0:
            if nanos % 1_000_000 == 0 { return "." + pad(nanos / 1_000_000, 3) }
            if nanos % 1000 == 0 { return "." + pad(nanos / 1000, 6) }
            return "." + pad(nanos, 9)
        case .trimmed, .groupsOfThree:
            return ""
        }
    }

    /// Nanoseconds since the Unix epoch in UTC, with `fraction` digits (trimmed, as k6's JSON output has).
    public static func string(nanosecondsSinceEpoch time: Int64, fraction: Fraction = .trimmed) -> String {
        let seconds = floorDivide(time, 1_000_000_000)
        return string(seconds: seconds, nanoseconds: Int32(time - seconds * 1_000_000_000), fraction: fraction)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A proleptic Gregorian date to days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The number of days in `month` of `year`.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
