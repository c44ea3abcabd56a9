import ProtoCodec

/// Durations as k6 reads `timeout` params (`types.GetDurationValue`): a number is milliseconds (fractions
/// allowed); a string is a bare number of milliseconds (`"500"`), Go's duration syntax (`"1h3s"`), or
/// that syntax after a whole number of days (`"2d3h"`, k6's `ParseExtendedDuration`). Errors are Go's.
public enum K6Duration {
    /// Parses a JSON value standing for a JS value.
    static func parse(_ value: JSONValue) throws(DurationError) -> Duration {
        switch value {
        case .number(let number):
            return .nanoseconds(Int64((number.doubleValue * 1_000_000).rounded(.towardZero)))
        case .string(let text):
            return try parse(text)
        default:
            throw DurationError(message: "unable to use type \(GoFormat.typeName(value)) as a duration value")
        }
    }

    /// k6's `ParseExtendedDuration`.
    public static func parse(_ text: String) throws(DurationError) -> Duration {
        if let milliseconds = Double(text), milliseconds.isFinite {
            return .nanoseconds(Int64((milliseconds * 1_000_000).rounded(.towardZero)))
        }
        guard let d = text.firstIndex(of: "d") else { return .nanoseconds(try goParse(text)) }
        var hours: Int64 = 0
        let after = text[text.index(after: d)...]
        if !after.isEmpty {
            hours = try goParse(String(after))
            if hours < 0 { throw DurationError(message: "invalid time format '\(after)'") }
        }
        let daysText = String(text[..<d])
        guard let days = Int64(daysText) else {
            throw DurationError(message: "strconv.ParseInt: parsing \(GoFormat.quoted(daysText)): invalid syntax")
        }
        if days < 0 { hours = -hours }
        return .nanoseconds(days &* 86_400_000_000_000 &+ hours)
    }

    /// Go's `time.ParseDuration`, in nanoseconds, with its error texts.
    static func goParse(_ original: String) throws(DurationError) -> Int64 {
        var bytes = Array(original.utf8)[...]
        let invalid = DurationError(message: "time: invalid duration \(GoFormat.quoted(original))")
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        if bytes.elementsEqual("0".utf8) { return 0 }
        if bytes.isEmpty { throw invalid }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var total: Double = 0
        while let first = bytes.first {
            guard first == UInt8(ascii: ".") || isDigit(first) else { throw invalid }
            let whole = bytes.prefix(while: isDigit)
            bytes = bytes.dropFirst(whole.count)
            var fraction: ArraySlice<UInt8> = []
            var hadPoint = false
            if bytes.first == UInt8(ascii: ".") {
                hadPoint = true
                bytes = bytes.dropFirst()
                fraction = bytes.prefix(while: isDigit)
                bytes = bytes.dropFirst(fraction.count)
            }
            if whole.isEmpty && fraction.isEmpty { throw invalid }
            let unitBytes = bytes.prefix { $0 != UInt8(ascii: ".") && !isDigit($0) }
            if unitBytes.isEmpty {
                throw DurationError(message: "time: missing unit in duration \(GoFormat.quoted(original))")
            }
            bytes = bytes.dropFirst(unitBytes.count)
            let unit = String(decoding: unitBytes, as: UTF8.self)
            guard let scale = units[unit] else {
                throw DurationError(
                    message: "time: unknown unit \(GoFormat.quoted(unit)) in duration \(GoFormat.quoted(original))")
            }
            let number =
                String(decoding: whole, as: UTF8.self)
                + (hadPoint ? "." + String(decoding: fraction, as: UTF8.self) : "")
            guard let value = Double(number.hasPrefix(".") ? "0" + number : number) else { throw invalid }
            total += value * scale
            if total > 9.223372036854775807e18 { throw invalid }
        }
        let nanoseconds = Int64(total.rounded(.towardZero))
        return negative ? -nanoseconds : nanoseconds
    }

    private static let units: [String: Double] = [
        "ns": 1, "us": 1e3, "\u{00B5}s": 1e3, "\u{03BC}s": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]
}

/// A `timeout` value k6 would not accept.
/// Why a duration did not parse, in Go's words.
public struct DurationError: Error, CustomStringConvertible {
    /// The message.
    public var message: String

    public var description: String { message }
}
