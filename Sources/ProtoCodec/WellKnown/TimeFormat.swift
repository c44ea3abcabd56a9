/// `google.protobuf.Timestamp` and `Duration` in their JSON forms: RFC 3339 times in UTC and
/// `"1.5s"` durations, with 0, 3, 6 or 9 fractional digits.
enum TimeFormat {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range protobuf allows.
    static let minTimestampSeconds: Int64 = -62_135_596_800
    static let maxTimestampSeconds: Int64 = 253_402_300_799
    /// About ±10,000 years.
    static let maxDurationSeconds: Int64 = 315_576_000_000

    // MARK: Timestamp

    static func formatTimestamp(seconds: Int64, nanos: Int32) throws(CodecError) -> String {
        guard seconds >= minTimestampSeconds, seconds <= maxTimestampSeconds else {
            throw CodecError(
                .unencodable, "Timestamp seconds \(seconds) is outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z")
        }
        guard nanos >= 0, nanos <= 999_999_999 else {
            throw CodecError(.unencodable, "Timestamp nanos \(nanos) is outside 0..999999999")
        }
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        text += fraction(nanos)
        return text + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|±HH:MM)`.
    static func parseTimestamp(_ text: String) throws(CodecError) -> (seconds: Int64, nanos: Int32) {
        let c = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= c.count else { return nil }
            var value: Int64 = 0
            for i in from..<(from + count) {
                guard c[i] >= 0x30, c[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(c[i] - 0x30)
            }
            return value
        }
        func at(_ i: Int, _ ch: Character) -> Bool { i < c.count && c[i] == ch.asciiValue! }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2),
            at(10, "T"), let hour = number(11, 2), at(13, ":"), let minute = number(14, 2), at(16, ":"),
            let second = number(17, 2)
        else {
            throw CodecError(.invalidValue, "expected an RFC 3339 timestamp like \"1972-01-01T10:00:20.021Z\"")
        }
        guard year >= 1, month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year), hour <= 23,
            minute <= 59, second <= 59
        else {
            throw CodecError(.invalidValue, "date or time out of range")
        }
        var i = 19
        var nanos: Int64 = 0
        if at(i, ".") {
            i += 1
            var digits = 0
            while i < c.count, c[i] >= 0x30, c[i] <= 0x39 {
                guard digits < 9 else { throw CodecError(.invalidValue, "more than 9 fractional digits") }
                nanos = nanos * 10 + Int64(c[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw CodecError(.invalidValue, "expected digits after '.'") }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if at(i, "Z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            let sign: Int64 = at(i, "-") ? -1 : 1
            guard let oh = number(i + 1, 2), at(i + 3, ":"), let om = number(i + 4, 2), oh <= 23, om <= 59 else {
                throw CodecError(.invalidValue, "invalid time zone offset")
            }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            throw CodecError(.invalidValue, "expected 'Z' or a time zone offset like +01:00")
        }
        guard i == c.count else { throw CodecError(.invalidValue, "unexpected text after the timestamp") }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard seconds >= minTimestampSeconds, seconds <= maxTimestampSeconds else {
            throw CodecError(.invalidValue, "timestamp outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z")
        }
        return (seconds, Int32(nanos))
    }

    // MARK: Duration

    static func formatDuration(seconds: Int64, nanos: Int32) throws(CodecError) -> String {
        guard seconds >= -maxDurationSeconds, seconds <= maxDurationSeconds else {
            throw CodecError(.unencodable, "Duration seconds \(seconds) is outside ±\(maxDurationSeconds)")
        }
        guard nanos >= -999_999_999, nanos <= 999_999_999, (seconds <= 0 && nanos <= 0) || (seconds >= 0 && nanos >= 0)
        else {
            throw CodecError(
                .unencodable, "Duration nanos \(nanos) is out of range or has a different sign than seconds")
        }
        let negative = seconds < 0 || nanos < 0
        return (negative ? "-" : "") + String(seconds.magnitude) + fraction(Int32(nanos.magnitude)) + "s"
    }

    static func parseDuration(_ text: String) throws(CodecError) -> (seconds: Int64, nanos: Int32) {
        var c = Array(text.utf8)[...]
        let failure = CodecError(.invalidValue, "expected a duration like \"1.5s\" or \"-0.000001s\"")
        guard c.last == UInt8(ascii: "s") else { throw failure }
        c = c.dropLast()
        var negative = false
        if c.first == UInt8(ascii: "-") {
            negative = true
            c = c.dropFirst()
        }
        var seconds: UInt64 = 0
        var digits = 0
        while let d = c.first, d >= 0x30, d <= 0x39 {
            guard digits < 13 else { throw CodecError(.invalidValue, "duration out of range") }
            seconds = seconds * 10 + UInt64(d - 0x30)
            digits += 1
            c = c.dropFirst()
        }
        guard digits > 0 else { throw failure }
        var nanos: Int64 = 0
        if c.first == UInt8(ascii: ".") {
            c = c.dropFirst()
            var fractionDigits = 0
            while let d = c.first, d >= 0x30, d <= 0x39 {
                guard fractionDigits < 9 else { throw CodecError(.invalidValue, "more than 9 fractional digits") }
                nanos = nanos * 10 + Int64(d - 0x30)
                fractionDigits += 1
                c = c.dropFirst()
            }
            guard fractionDigits > 0 else { throw failure }
            for _ in fractionDigits..<9 { nanos *= 10 }
        }
        guard c.isEmpty else { throw failure }
        guard seconds <= UInt64(maxDurationSeconds) else {
            throw CodecError(.invalidValue, "duration outside ±\(maxDurationSeconds)s")
        }
        let s = Int64(seconds)
        return negative ? (-s, Int32(-nanos)) : (s, Int32(nanos))
    }

    // MARK: Helpers

    private static func fraction(_ nanos: Int32) -> String {
        if nanos == 0 { return "" }
        if nanos % 1_000_000 == 0 { return "." + pad(Int64(nanos / 1_000_000), 3) }
        if nanos % 1000 == 0 { return "." + pad(Int64(nanos / 1000), 6) }
        return "." + pad(Int64(nanos), 9)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func days(fromCivil year0: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let year = month <= 2 ? year0 - 1 : year0
        let era = (year >= 0 ? year : year - 399) / 400
        let yoe = year - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
