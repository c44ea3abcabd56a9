/// A JSON number, kept exactly as written so no precision is lost (64-bit ids, long decimals).
///
/// Equality and hashing compare the text: `1.0` and `1` are different numbers here; compare
/// ``doubleValue`` for numeric equality.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's JSON text, e.g. `-12`, `3.25`, `1e-7`.
    public let text: String

    /// A number from JSON number text; nil when `text` is not a valid JSON number.
    public init?(_ text: String) {
        guard JSONNumber.isValid(Array(text.utf8)[...]) else { return nil }
        self.text = text
    }

    init(uncheckedText text: String) {
        self.text = text
    }

    /// The number `value`.
    public init(_ value: Int) { text = String(value) }
    /// The number `value`.
    public init(_ value: Int64) { text = String(value) }
    /// The number `value`.
    public init(_ value: UInt64) { text = String(value) }
    /// The number `value`.
    public init(_ value: Int32) { text = String(value) }
    /// The number `value`.
    public init(_ value: UInt32) { text = String(value) }

    /// The number `value` in its shortest exact form; nil for NaN and infinities, which JSON lacks.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        var writer = JSONWriter()
        writer.writeNumber(value)
        text = String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The number `value` (a `Float`) in its shortest form that reads back as the same `Float`.
    public init?(_ value: Float) {
        guard value.isFinite else { return nil }
        var writer = JSONWriter()
        writer.writeNumber(value)
        text = String(decoding: writer.bytes, as: UTF8.self)
    }

    public var description: String { text }

    /// The nearest `Double` (infinite when out of range).
    public var doubleValue: Double { Double(text) ?? .nan }

    /// The value as `Int64` when it is an integer in range, including forms like `1e3` or `2.0`.
    public var int64Value: Int64? {
        guard let (negative, magnitude) = ExactInteger.parse(text.utf8) else { return nil }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return .min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        return Int64(exactly: magnitude)
    }

    /// The value as `UInt64` when it is a non-negative integer in range (`-0` counts as 0).
    public var uint64Value: UInt64? {
        guard let (negative, magnitude) = ExactInteger.parse(text.utf8) else { return nil }
        if negative && magnitude != 0 { return nil }
        return magnitude
    }

    /// Whether the text is a JSON number.
    static func isValid(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex
        let end = bytes.endIndex
        func digit(_ at: Int) -> Bool { at < end && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        if i < end, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return false }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while digit(i) { i += 1 }
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return i == end
    }
}

/// Exact integer values of decimal number text (`12`, `-3`, `1.5e1`, `2.000`), with no rounding
/// through `Double`, so 64-bit values keep every digit.
enum ExactInteger {
    /// The sign and magnitude of an integral number in `text`, or nil if it is not integral, not a
    /// number, or its magnitude exceeds `UInt64`.
    static func parse(_ text: some Collection<UInt8>) -> (negative: Bool, magnitude: UInt64)? {
        var bytes = text.makeIterator()
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var exponentNegative = false
        var sawDigit = false
        var state = 0  // 0 integer part, 1 fraction, 2 exponent sign, 3 exponent digits
        var first = true
        while let c = bytes.next() {
            defer { first = false }
            switch c {
            case UInt8(ascii: "-") where first:
                negative = true
            case 0x30...0x39:
                switch state {
                case 0, 1:
                    sawDigit = true
                    if !(digits.isEmpty && c == 0x30) || state == 1 { digits.append(c - 0x30) }
                    if state == 1 { fractionDigits += 1 }
                default:
                    state = 3
                    guard exponent < 100_000 else { return nil }
                    exponent = exponent * 10 + Int(c - 0x30)
                }
            case UInt8(ascii: ".") where state == 0:
                state = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard state < 2, sawDigit else { return nil }
                state = 2
            case UInt8(ascii: "-") where state == 2:
                exponentNegative = true
                state = 3
            case UInt8(ascii: "+") where state == 2:
                state = 3
            default:
                return nil
            }
        }
        guard sawDigit, state != 2 else { return nil }
        // value = digits × 10^(exponent - fractionDigits)
        let shift = (exponentNegative ? -exponent : exponent) - fractionDigits
        var significant = digits
        if shift < 0 {
            let drop = -shift
            if drop > significant.count {
                guard significant.allSatisfy({ $0 == 0 }) else { return nil }
                significant = []
            } else {
                guard significant.suffix(drop).allSatisfy({ $0 == 0 }) else { return nil }
                significant.removeLast(drop)
            }
        } else if shift > 0 {
            if significant.allSatisfy({ $0 == 0 }) {
                significant = []
            } else {
                guard shift <= 20 else { return nil }
                significant += [UInt8](repeating: 0, count: shift)
            }
        }
        var magnitude: UInt64 = 0
        for d in significant {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            magnitude = m2
        }
        return (negative, magnitude)
    }
}
