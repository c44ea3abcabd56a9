/// The one path syntax of the golden check: what it prints is what rules accept.
///
/// `responses[0].items[2].id` names field `id` of the third `items` element of the first response message;
/// `status.message` names the status message. Rules also take `*` for one segment (a field or an index, as
/// `items.*.id` or `items[*].id`), `**` for any number of segments, and a path without `responses` applies
/// to every response message (`items.*.id`).
enum FieldPath {
    /// The segment every response message path starts with.
    static let responses = "responses"

    /// `responses[0].user.items[2].id` for message `message` and a JSON path from its root.
    static func render(message: Int, _ path: [String]) -> String {
        var text = "\(responses)[\(message)]"
        for segment in path { append(segment, to: &text) }
        return text
    }

    /// A JSON path from a message's root as the check prints it, without the message: `items[2].id`.
    static func render(_ path: [String]) -> String {
        var text = ""
        for segment in path { append(segment, to: &text) }
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }

    private static func append(_ segment: String, to text: inout String) {
        if let index = Int(segment), index >= 0 { text += "[\(index)]" } else { text += "." + segment }
    }

    /// The segments of a written path: dots between names, `[N]` and `[*]` as segments of their own, an
    /// optional leading `$.`; nil when a segment is empty or a bracket is not closed.
    static func segments(_ text: Substring) -> [String]? {
        var text = text
        if text.hasPrefix("$.") { text = text.dropFirst(2) }
        var segments: [String] = []
        var current = ""
        var index = text.startIndex
        // A name may be empty only right after a bracket (`items[2].id`: the dot after `]`).
        var afterBracket = false
        while index < text.endIndex {
            let character = text[index]
            switch character {
            case ".":
                if current.isEmpty, !afterBracket { return nil }
                if !current.isEmpty { segments.append(current) }
                current = ""
                afterBracket = false
            case "[":
                if !current.isEmpty { segments.append(current) } else if segments.isEmpty { return nil }
                current = ""
                guard let close = text[index...].firstIndex(of: "]") else { return nil }
                let inside = text[text.index(after: index)..<close]
                guard inside == "*" || (Int(inside).map { $0 >= 0 } ?? false) else { return nil }
                segments.append(String(inside))
                index = close
                afterBracket = true
            default:
                // After `]` comes `.`, `[` or the end: `items[2]id` is a typo.
                if afterBracket, current.isEmpty, text[text.index(before: index)] == "]" { return nil }
                current.append(character)
                afterBracket = false
            }
            index = text.index(after: index)
        }
        if !current.isEmpty {
            segments.append(current)
        } else if !afterBracket {
            return nil
        }
        return segments.isEmpty ? nil : segments
    }

    /// A path with every list index replaced by `*`: the form a learned rule takes, so it covers every
    /// element and every message.
    static func generalized(_ segments: [String]) -> [String] {
        segments.map { Int($0) != nil ? "*" : $0 }
    }
}
