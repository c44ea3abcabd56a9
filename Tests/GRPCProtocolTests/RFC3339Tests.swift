import GRPCProtocol
import Testing

@Suite struct RFC3339Tests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (1_787_306_400_123_456_789, "2026-08-21T10:00:00.123456789Z"),
        (1_787_306_400_120_000_000, "2026-08-21T10:00:00.12Z"), (951_782_400_000_000_000, "2000-02-29T00:00:00Z"),
        (-1, "1969-12-31T23:59:59.999999999Z"), (-86_400_000_000_000, "1969-12-31T00:00:00Z"),
    ])
    func nanosecondsFormatLikeGosRFC3339Nano(nanoseconds: Int64, expected: String) {
        #expect(RFC3339.string(nanosecondsSinceEpoch: nanoseconds) == expected)
    }

    @Test(arguments: [
        (Int32(0), RFC3339.Fraction.trimmed, ""), (0, .milliseconds, ".000"), (0, .groupsOfThree, ""),
        (120_000_000, .trimmed, ".12"), (120_000_000, .milliseconds, ".120"), (120_000_000, .groupsOfThree, ".120"),
        (123_456_000, .groupsOfThree, ".123456"), (1, .groupsOfThree, ".000000001"),
        (999_999_999, .milliseconds, ".999"),
    ])
    func fractionsFollowTheirStyle(nanoseconds: Int32, fraction: RFC3339.Fraction, expected: String) {
        #expect(RFC3339.fractionText(nanoseconds: nanoseconds, fraction: fraction) == expected)
        let text = RFC3339.string(seconds: 0, nanoseconds: nanoseconds, fraction: fraction)
        #expect(text == "1970-01-01T00:00:00\(expected)Z")
    }

    @Test(arguments: [
        ("2024-01-02T03:04:05Z", Int64(1_704_164_645), Int32(0)),
        ("2024-01-02T03:04:05.5Z", 1_704_164_645, 500_000_000),
        ("2024-01-02T03:04:05.000000001Z", 1_704_164_645, 1),
        ("2024-02-29T23:00:00+01:30", 1_709_242_200, 0),
        ("1969-12-31T23:59:59.5-00:00", -1, 500_000_000),
        ("0001-01-01T00:00:00Z", -62_135_596_800, 0),
        ("9999-12-31T23:59:59.999999999Z", 253_402_300_799, 999_999_999),
    ])
    func parsesFractionsAndOffsets(text: String, seconds: Int64, nanoseconds: Int32) throws {
        let parsed = try RFC3339.parse(text)
        #expect(parsed.seconds == seconds)
        #expect(parsed.nanoseconds == nanoseconds)
    }

    @Test(arguments: [
        ("2024-01-01 00:00:00Z", RFC3339.ParseError.malformed), ("2024-02-30T00:00:00Z", .outOfRange),
        ("0000-12-31T23:59:59Z", .outOfRange), ("2024-01-01T24:00:00Z", .outOfRange),
        ("2024-01-01T00:00:60Z", .outOfRange), ("2024-01-01T00:00:00.Z", .missingFractionDigits),
        ("2024-01-01T00:00:00.1234567891Z", .tooManyFractionDigits), ("2024-01-01T00:00:00+24:00", .invalidOffset),
        ("2024-01-01T00:00:00+0100", .invalidOffset), ("2024-01-01T00:00:00", .missingZone),
        ("2024-01-01t00:00:00Z", .malformed), ("2024-01-01T00:00:00z", .missingZone),
        ("2024-01-01T00:00:00Zjunk", .trailingText),
    ])
    func strictParsingSaysWhatIsWrong(text: String, error: RFC3339.ParseError) {
        #expect(throws: error) { try RFC3339.parse(text) }
    }

    @Test func lenientParsingAcceptsWhatHandEditedFilesHave() throws {
        let lower = try RFC3339.parse("2024-01-02t03:04:05.123456789123z", strictness: .lenient)
        #expect(lower.seconds == 1_704_164_645)
        #expect(lower.nanoseconds == 123_456_789)
        let leap = try RFC3339.parse("2016-12-31T23:59:60Z", strictness: .lenient)
        #expect(leap.seconds == 1_483_228_800)
        #expect(throws: RFC3339.ParseError.outOfRange) {
            try RFC3339.parse("2024-13-01T00:00:00Z", strictness: .lenient)
        }
    }

    @Test func calendarArithmeticRoundTripsAcrossEras() {
        for days in stride(from: Int64(-800_000), through: 3_000_000, by: 9_973) {
            let (year, month, day) = RFC3339.civil(fromDays: days)
            #expect(RFC3339.days(fromCivil: year, month, day) == days)
            #expect((1...12).contains(month))
            #expect(day >= 1 && day <= RFC3339.daysIn(month: month, year: year))
        }
        #expect(RFC3339.daysIn(month: 2, year: 1900) == 28)
        #expect(RFC3339.daysIn(month: 2, year: 2000) == 29)
    }
}
