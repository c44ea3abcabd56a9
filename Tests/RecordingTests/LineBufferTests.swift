import Testing

@testable import Recording

/// The hand-written JSON pieces of recording lines: integers at every length and at the extremes.
@Suite struct LineBufferTests {
    private func written(_ value: Int64) -> String {
        var line = LineBuffer()
        line.int(value)
        return String(decoding: line.bytes, as: UTF8.self)
    }

    @Test func integersReadAsSwiftPrintsThem() {
        var values: [Int64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, .max, .min, .max - 1, .min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power, -(power - 1)]
        }
        for value in values { #expect(written(value) == String(value), "\(value)") }
    }
}
