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
