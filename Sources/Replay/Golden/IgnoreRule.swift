/// A field the golden check does not compare, because it always differs (timestamps, ids, hosts).
///
/// Written `[METHOD:]PATH`. PATH is the field's JSON path in the response message, segments separated by
/// dots, using the JSON (lowerCamelCase) or proto names: `createTime`, `user.id`, `items.*.etag`.
/// `*` matches one segment (a field name or a list index), `**` any number of segments. METHOD limits
/// the rule to one method (`pkg.Service/Method`) or service (`pkg.Service/*`).
public struct IgnoreRule: Sendable, Hashable, CustomStringConvertible {
    /// The method filter, or nil for every method.
    public let method: String?
    /// The path's segments.
    public let segments: [String]
    /// The rule as written.
    public let description: String

    /// Parses a rule; throws for an empty path or an empty segment.
    public init(parsing text: String) throws(ReplayError) {
        description = text
        var pathText = Substring(text)
        if let colon = text.lastIndex(of: ":"), text[..<colon].contains("/") {
            method = String(text[..<colon])
            pathText = text[text.index(after: colon)...]
        } else {
            method = nil
        }
        if pathText.hasPrefix("$.") { pathText = pathText.dropFirst(2) }
        let segments = pathText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !pathText.isEmpty, !segments.contains(where: \.isEmpty) else {
            throw ReplayError(
                "--ignore \(text): expected [METHOD:]PATH such as 'createTime', 'user.id' or "
                    + "'demo.v1.Demo/Hello:items.*.etag'")
        }
        self.segments = segments
    }

    /// Whether the rule covers the field at `path` (segments from the message root) of `method`.
    func covers(_ path: [String], method callMethod: String) -> Bool {
        if let method, !ReplayPlan.matches(callMethod, method) { return false }
        return Self.match(segments[...], path[...])
    }

    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            var rest = path
            while true {
                if match(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let segment = path.first else { return false }
        guard head == "*" || head == segment || head == snakeToCamel(segment) || snakeToCamel(head) == segment
        else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// `create_time` to `createTime`, protobuf's JSON name rule.
    static func snakeToCamel(_ name: String) -> String {
        var result = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else {
                result += upper ? character.uppercased() : String(character)
                upper = false
            }
        }
        return result
    }
}
