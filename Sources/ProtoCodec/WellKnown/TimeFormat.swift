import GRPCProtocol

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
        return RFC3339.string(seconds: seconds, nanoseconds: nanos, fraction: .groupsOfThree)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|±HH:MM)`.
    static func parseTimestamp(_ text: String) throws(CodecError) -> (seconds: Int64, nanos: Int32) {
        let seconds: Int64
        let nanos: Int32
        do {
            (seconds, nanos) = try RFC3339.parse(text)
        } catch {
            throw CodecError(.invalidValue, error.description)
        }
        guard seconds >= minTimestampSeconds, seconds <= maxTimestampSeconds else {
            throw CodecError(.invalidValue, "timestamp outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z")
        }
        return (seconds, nanos)
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
        return (negative ? "-" : "") + String(seconds.magnitude)
            + RFC3339.fractionText(nanoseconds: Int32(nanos.magnitude), fraction: .groupsOfThree) + "s"
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
}
