import GRPCProtocol
import Testing

@testable import Metrics

@Suite struct FormattingTests {
    @Test(
        arguments: [
            (100.0, "100"), (0.1, "0.1"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"),
            (0.000001, "0.000001"), (123456789.125, "123456789.125"), (-3, "-3"), (1.0 / 3, "0.3333333333333333"),
            (84_615_384_615_394_213_888, "84615384615394210000"), (2.5e-7, "2.5e-7"),
        ] as [(Double, String)])
    func javaScriptNumberStrings(_ value: Double, _ expected: String) {
        #expect(JSNumber.string(value) == expected)
    }

    @Test(arguments: [
        (0.0078125, 6, "0.007813"), (2.5, 0, "3"), (-2.5, 0, "-3"), (1.005, 2, "1.00"), (1.25, 1, "1.3"),
        (18908.873934537478, 6, "18908.873935"), (0.0, 2, "0.00"), (-0.0001, 2, "-0.00"),
    ])
    func javaScriptToFixedRoundsHalfAwayFromZero(_ value: Double, _ digits: Int, _ expected: String) {
        #expect(JSNumber.toFixed(value, digits) == expected)
    }

    // Observed in k6 v1.1.0's --out json for the same values.
    @Test(
        arguments: [
            (1234567.0, "1.234567e+06"), (123456, "123456"), (1e21, "1e+21"), (1e20, "1e+20"),
            (0.00001234, "1.234e-05"),
            (0.0001234, "0.0001234"), (1e-7, "1e-07"), (100, "100"), (0.1, "0.1"), (2.5e-5, "2.5e-05"),
            (123456789.125, "1.23456789125e+08"), (-3, "-3"), (1.0 / 3, "0.3333333333333333"),
        ] as [(Double, String)])
    func goNumberStrings(_ value: Double, _ expected: String) {
        #expect(GoFloat.string(value) == expected)
    }

    @Test(arguments: [
        (0.0, "0s"), (0.0005, "500ns"), (0.074661, "74.66µs"), (12.5, "12.5ms"), (23.625, "23.62ms"),
        // k6 truncates 100 × 1.16 = 115.99999999999999 to 115, so 1160 ms shows as 1.15s.
        (1000, "1s"), (1250, "1.25s"), (1160, "1.15s"), (61000, "1m1s"), (90500, "1m30s"), (3_661_000, "1h1m1s"),
    ])
    func durationsAreHumanisedLikeK6(_ milliseconds: Double, _ expected: String) {
        #expect(Humanize.duration(milliseconds: milliseconds) == expected)
    }

    @Test(arguments: [
        (0.0, "0 B"), (7, "7 B"), (762, "762 B"), (4100, "4.1 kB"), (3_600_000, "3.6 MB"), (15_000, "15 kB"),
    ])
    func bytesAreHumanisedLikeK6(_ bytes: Double, _ expected: String) {
        #expect(Humanize.bytes(bytes) == expected)
    }

    @Test func fixedTimeUnitUsesTwoDecimals() {
        #expect(Humanize.duration(milliseconds: 1234.5, unit: "s") == "1.23s")
        #expect(Humanize.duration(milliseconds: 1.5, unit: "us") == "1500.00µs")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (1_787_306_400_123_456_789, "2026-08-21T10:00:00.123456789Z"),
        (1_787_306_400_120_000_000, "2026-08-21T10:00:00.12Z"), (951_782_400_000_000_000, "2000-02-29T00:00:00Z"),
    ])
    func timestampsAreRFC3339NanoInUTC(_ nanoseconds: Int64, _ expected: String) {
        #expect(RFC3339.string(nanosecondsSinceEpoch: nanoseconds) == expected)
    }

    @Test func md5MatchesK6Ids() {
        #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex("::status is OK") == "d83a99fb6db0de09e9f0d32dd8d2e9d5")
        #expect(MD5.hex("::g1::inner::deep") == "218bd44fd31086bb665d2b31a36565d3")
    }
}
