/// A parsed threshold condition such as `p(95)<200`: `aggregation operator number`, as k6's grammar has it.
public struct ThresholdExpression: Hashable, Sendable, CustomStringConvertible {
    /// What the metric is reduced to.
    public var aggregation: ThresholdAggregation
    /// How it is compared.
    public var comparison: ComparisonOperator
    /// The number on the right.
    public var bound: Double
    /// The text as written (k6 keys results by it).
    public var source: String

    /// Creates an expression from its parts.
    public init(aggregation: ThresholdAggregation, comparison: ComparisonOperator, bound: Double, source: String) {
        self.aggregation = aggregation
        self.comparison = comparison
        self.bound = bound
        self.source = source
    }

    public var description: String { source }

    /// Parses `source` following k6: the first operator found in the order `<= < >= > === == !=` splits
    /// it, spaces around the parts are ignored, and both sides must be well formed.
    public static func parse(_ source: String) throws -> ThresholdExpression {
        let (left, comparison, right) = try scan(source)
        let aggregation = try parseAggregation(left, in: source)
        guard let bound = parseNumber(right) else {
            throw syntaxError(
                source, "'\(right)' on the right is not a number; write a plain number such as 200 or 0.99")
        }
        return ThresholdExpression(aggregation: aggregation, comparison: comparison, bound: bound, source: source)
    }

    /// Whether the reduced value passes.
    public func holds(for value: Double) -> Bool { comparison.holds(value, bound) }

    private static func scan(_ source: String) throws -> (String, ComparisonOperator, String) {
        for comparison in ComparisonOperator.scanOrder {
            guard let range = source.firstRange(of: comparison.rawValue) else { continue }
            let left = source[..<range.lowerBound].trimmingSpaces
            let right = source[range.upperBound...].trimmingSpaces
            return (left, comparison, right)
        }
        throw syntaxError(
            source,
            "no comparison operator; write `aggregation operator number` such as p(95)<200, with one of"
                + " < <= > >= == === !=")
    }

    private static func parseAggregation(_ text: String, in source: String) throws -> ThresholdAggregation {
        switch text {
        case "avg": return .avg
        case "min": return .min
        case "max": return .max
        case "med": return .med
        case "count": return .count
        case "rate": return .rate
        case "value": return .value
        default: break
        }
        if text.hasPrefix("p("), text.hasSuffix(")") {
            let inner = String(text.dropFirst(2).dropLast())
            guard let percentile = parseNumber(inner) else {
                throw syntaxError(
                    source, "'\(inner)' in \(text) is not a number; write a percentile such as p(95) or p(99.9)")
            }
            guard percentile >= 0, percentile <= 100 else {
                throw syntaxError(source, "percentile \(text) is outside 0...100")
            }
            return .percentile(percentile)
        }
        let hint = text.isEmpty ? "nothing" : "'\(text)'"
        throw syntaxError(
            source,
            "\(hint) on the left is not an aggregation; use count or rate (counter), value (gauge),"
                + " rate (rate), or avg, min, med, max, p(N) (trend)")
    }

    /// A decimal number as k6 accepts it (`200`, `0.99`, `1e3`, `-5`); no hex, no NaN or infinities.
    static func parseNumber(_ text: String) -> Double? {
        guard !text.isEmpty else { return nil }
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-")
        }
        guard allowed, let number = Double(text), number.isFinite else { return nil }
        return number
    }

    static func syntaxError(_ source: String, _ reason: String) -> MetricsError {
        MetricsError(.thresholdSyntax, "invalid threshold expression '\(source)': \(reason)")
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
