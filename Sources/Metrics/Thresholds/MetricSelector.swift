/// A metric or sub-metric as thresholds name it: `grpc_req_duration` or
/// `grpc_req_duration{method:SayHello,status:0}` (spaces after `:` and `,` are fine, quotes are dropped).
public struct MetricSelector: Hashable, Sendable, CustomStringConvertible {
    /// The metric's name.
    public var name: String
    /// The tags a sample must have to count (empty: the whole metric).
    public var tags: TagSet
    /// The text between the braces as written, `nil` for a whole metric.
    public var suffix: String?
    /// The selector exactly as written; thresholds and summaries are keyed by it.
    public var key: String

    /// Parses a selector following k6's rules for `metric{tag:value,...}`.
    public static func parse(_ text: String) throws -> MetricSelector {
        let open = text.firstIndex(of: "{")
        let close = text.lastIndex(of: "}")
        switch (open, close) {
        case (nil, nil):
            let name = text.trimmingSpaces
            guard !name.isEmpty else { throw error(text, "the metric name is empty") }
            return MetricSelector(name: name, tags: .empty, suffix: nil, key: text)
        case (.some(let open), .some(let close)):
            guard open < close else { throw error(text, "the closing brace comes before the opening one") }
            guard text.index(after: close) == text.endIndex else {
                throw error(text, "the closing brace must be the last character")
            }
            let inside = String(text[text.index(after: open)..<close])
            let tags = try parseTags(inside, in: text)
            let name = String(text[..<open]).trimmingSpaces
            guard !name.isEmpty else { throw error(text, "the metric name before '{' is empty") }
            return MetricSelector(name: name, tags: tags, suffix: inside.trimmingSpaces, key: text)
        default:
            throw error(text, "a curly brace has no partner; write metric{tag:value,tag2:value2}")
        }
    }

    private static func parseTags(_ inside: String, in text: String) throws -> TagSet {
        var tags = TagSet()
        for part in inside.split(separator: ",", omittingEmptySubsequences: false) {
            guard let colon = part.firstIndex(of: ":") else {
                throw error(text, "tag filter '\(part)' has no ':'; write tag:value")
            }
            let key = unquote(part[..<colon])
            let value = unquote(part[part.index(after: colon)...])
            guard !key.isEmpty else { throw error(text, "tag filter '\(part)' has an empty tag name") }
            guard !part[part.index(after: colon)...].isEmpty else {
                throw error(text, "tag filter '\(part)' has no value after ':'")
            }
            tags.set(key, value)
        }
        return tags
    }

    private static func unquote(_ text: Substring) -> String {
        var value = Substring(text.trimmingSpaces)
        while let first = value.first, first == "\"" || first == "'" { value = value.dropFirst() }
        while let last = value.last, last == "\"" || last == "'" { value = value.dropLast() }
        return String(value)
    }

    private static func error(_ text: String, _ reason: String) -> MetricsError {
        MetricsError(.thresholdSyntax, "invalid metric '\(text)' in thresholds: \(reason)")
    }

    /// Whether this names a sub-metric.
    public var isSubmetric: Bool { suffix != nil }

    /// k6's canonical name: `name{suffix}`.
    public var canonicalName: String {
        guard let suffix else { return name }
        return name + "{" + suffix + "}"
    }

    public var description: String { key }
}
