import GRPCProtocol
import Testing

@Suite struct GRPCTimeoutTests {
    @Test(arguments: [
        (Int64(5), "5n"), (1_000_000, "1000u"), (1_000_000_000, "1000m"), (120_000_000_000, "120000m"),
        (119_999_999_001, "120000m"), (108_000_000_000_000, "1800M"), (1_500, "1500n"), (0, "0n"), (-7, "0n"),
        (Int64.max, "2562048H"),
    ])
    func encodesRoundedUpInAStableCoarseUnit(nanoseconds: Int64, header: String) {
        #expect(GRPCTimeout.encode(nanoseconds: nanoseconds) == header)
    }

    @Test(arguments: [
        ("1H", Int64(3_600_000_000_000)), ("3M", 180_000_000_000), ("10S", 10_000_000_000), ("250m", 250_000_000),
        ("7u", 7_000), ("0n", 0), ("99999999n", 99_999_999),
    ])
    func decodesEveryUnit(header: String, nanoseconds: Int64) {
        #expect(GRPCTimeout.nanoseconds(header) == nanoseconds)
    }

    @Test func hugeValuesSaturateInsteadOfOverflowing() {
        #expect(GRPCTimeout.nanoseconds("99999999H") == Int64.max)
        #expect(GRPCTimeout.nanoseconds("99999999M") == 5_999_999_940_000_000_000)
    }

    @Test(arguments: ["", "S", "10", "10s", "123456789S", "-1S", "1.5S", "1 S", "10h"])
    func malformedValuesAreRejected(header: String) {
        #expect(GRPCTimeout.nanoseconds(header) == nil)
    }

    @Test(arguments: [Int64(1), 999, 1_000, 1_000_000_007, 3_600_000_000_001, 86_400_000_000_000])
    func encodedTimeoutsNeverShrink(nanoseconds: Int64) throws {
        let decoded = try #require(GRPCTimeout.nanoseconds(GRPCTimeout.encode(nanoseconds: nanoseconds)))
        #expect(decoded >= nanoseconds)
        #expect(Double(decoded - nanoseconds) <= Double(nanoseconds) / 999 + 1)
    }
}
