extension RFC3339 {
    /// How much of RFC 3339 and its neighbours a parse accepts.
    public enum Strictness: Hashable, Sendable {
        /// As protobuf's JSON requires: upper-case `T` and `Z`, real calendar dates from year 1, seconds up
        /// to 59, at most nine fractional digits, offsets up to 23:59.
        case strict
        /// As hand-edited files may have it: either case of `T` and `Z`, days 1 to 31 in any month, a leap
        /// second (60), any number of fractional digits (kept to the nanosecond), any two-digit offset.
        case lenient
    }

    /// Why a text is not an RFC 3339 timestamp.
    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The text does not start with `YYYY-MM-DDTHH:MM:SS`.
        case malformed
        /// A date or time field is outside its range.
        case outOfRange
        /// A `.` with no digits after it.
        case missingFractionDigits
        /// More than nine fractional digits (strict only).
        case tooManyFractionDigits
        /// An offset that is not `±HH:MM` or out of range.
        case invalidOffset
        /// Neither `Z` nor an offset after the time.
        case missingZone
        /// Text after the zone.
        case trailingText

        public var description: String {
            switch self {
            case .malformed: "expected an RFC 3339 timestamp like \"1972-01-01T10:00:20.021Z\""
            case .outOfRange: "date or time out of range"
            case .missingFractionDigits: "expected digits after '.'"
            case .tooManyFractionDigits: "more than 9 fractional digits"
            case .invalidOffset: "invalid time zone offset"
            case .missingZone: "expected 'Z' or a time zone offset like +01:00"
            case .trailingText: "unexpected text after the timestamp"
            }
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into seconds and nanoseconds since the Unix epoch.
    public static func parse(
        _ text: some StringProtocol, strictness: Strictness = .strict
    ) throws(ParseError) -> (seconds: Int64, nanoseconds: Int32) {
        let c = Array(text.utf8)
        let strict = strictness == .strict
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= c.count else { return nil }
            var value: Int64 = 0
            for i in from..<(from + count) {
                guard c[i] >= 0x30, c[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(c[i] - 0x30)
            }
            return value
        }
        func at(_ i: Int, _ byte: UInt8, orLowercase: Bool = false) -> Bool {
            i < c.count && (c[i] == byte || (orLowercase && c[i] == byte | 0x20))
        }
        guard let year = number(0, 4), at(4, UInt8(ascii: "-")), let month = number(5, 2), at(7, UInt8(ascii: "-")),
            let day = number(8, 2), at(10, UInt8(ascii: "T"), orLowercase: !strict), let hour = number(11, 2),
            at(13, UInt8(ascii: ":")), let minute = number(14, 2), at(16, UInt8(ascii: ":")),
            let second = number(17, 2)
        else { throw .malformed }
        let lastDay = strict ? daysIn(month: month, year: year) : 31
        guard year >= (strict ? 1 : 0), (1...12).contains(month), day >= 1, day <= lastDay, hour <= 23, minute <= 59,
            second <= (strict ? 59 : 60)
        else { throw .outOfRange }
        var i = 19
        var nanos: Int64 = 0
        if at(i, UInt8(ascii: ".")) {
            i += 1
            var digits = 0
            while i < c.count, c[i] >= 0x30, c[i] <= 0x39 {
                if digits < 9 {
                    nanos = nanos * 10 + Int64(c[i] - 0x30)
                } else if strict {
                    throw .tooManyFractionDigits
                }
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw .missingFractionDigits }
            for _ in min(digits, 9)..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if at(i, UInt8(ascii: "Z"), orLowercase: !strict) {
            i += 1
        } else if at(i, UInt8(ascii: "+")) || at(i, UInt8(ascii: "-")) {
            let sign: Int64 = at(i, UInt8(ascii: "-")) ? -1 : 1
            guard let hours = number(i + 1, 2), at(i + 3, UInt8(ascii: ":")), let minutes = number(i + 4, 2),
                !strict || (hours <= 23 && minutes <= 59)
            else { throw .invalidOffset }
            offset = sign * (hours * 3600 + minutes * 60)
            i += 6
        } else {
            throw .missingZone
        }
        guard i == c.count else { throw .trailingText }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return (seconds, Int32(nanos))
    }
}
