/// A field the golden check does not compare, because it always differs (timestamps, ids, hosts); also the
/// path pattern every other rule (tolerances, repeated fields) is written with.
///
/// Written `[METHOD:]PATH` in ``FieldPath``'s syntax, the one the check prints: `createTime`, `user.id`,
/// `items.*.etag`, `responses[0].requestId`, `responses[*].items[*].id`, `**.etag`, `status.message`. JSON
/// (lowerCamelCase) or proto names both work. METHOD limits the rule to one method (`pkg.Service/Method`)
/// or service (`pkg.Service/*`).
public struct IgnoreRule: Sendable, Hashable, CustomStringConvertible {
    /// The method filter, or nil for every method.
    public let method: String?
    /// The path's segments.
    public let segments: [String]
    /// The rule as written.
    public let description: String

    /// Parses a rule; throws for an empty path, an empty segment or an unclosed bracket.
    public init(parsing text: String) throws(ReplayError) {
        description = text
        var pathText = Substring(text)
        if let colon = text.lastIndex(of: ":"), text[..<colon].contains("/") {
            method = String(text[..<colon])
            pathText = text[text.index(after: colon)...]
        } else {
            method = nil
        }
        if let colon = pathText.firstIndex(of: ":") {
            // `*:items.id` or `Demo:items.id`: a method that is not one, which would otherwise read as a
            // field named `*:items` and match nothing.
            throw ReplayError(
                "\(text): '\(pathText[..<colon])' before ':' is not a method; write pkg.Service/Method or "
                    + "pkg.Service/* (globs allowed), or leave it out for every method")
        }
        guard let segments = FieldPath.segments(pathText) else {
            throw ReplayError(
                "\(text): expected [METHOD:]PATH such as 'createTime', 'user.id', 'responses[0].items[*].etag' "
                    + "or 'demo.v1.Demo/Hello:items.*.etag'")
        }
        self.segments = segments
    }

    /// Whether the rule names the status message (`status.message`).
    var isStatusMessage: Bool { segments == ["status", "message"] }

    /// Whether the rule applies to calls of `callMethod`.
    func applies(to callMethod: String) -> Bool {
        method.map { ReplayPlan.matches(callMethod, $0) } ?? true
    }

    /// Whether the rule covers the field at `path` (segments from the root of response message `message`) of
    /// `method`: a rule that starts with `responses` names the message too, any other one every message.
    func covers(_ path: [String], message: Int, method callMethod: String) -> Bool {
        guard applies(to: callMethod) else { return false }
        if segments.first == FieldPath.responses, segments.count > 1,
            Self.match(segments.dropFirst(), [String(message)] + path)
        {
            return true
        }
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
