import Foundation
import ProtoCodec

/// `--learn`: from a replay compared with an earlier replay of the same requests (or with a second recording
/// of the same traffic), the fields whose values changed between identical requests (timestamps, ids,
/// nonces), written as a rules file with a comment on how often each differed, for a person to review. A
/// field whose every seen value has one known shape (a UUID, an RFC 3339 time, a duration, an integer) is
/// proposed as a `matches` rule with that shape, which still fails a server that drops the field or sends
/// something else; any other field as an `ignore` rule.
public enum RuleLearner {
    /// One proposed rule.
    public struct Proposal: Sendable, Hashable {
        /// `pkg.Service/Method`.
        public var method: String
        /// The path, list indexes generalised to `[*]`.
        public var path: String
        /// Calls in which it differed (at most `calls`).
        public var differed: Int
        /// Calls of the method compared.
        public var calls: Int
        /// One example: the first value, then the second.
        public var example: (String, String)?
        /// The regular expression every value seen matches, when they share a known shape (then the rule is
        /// a `matches` rule, else an `ignore` rule).
        public var shape: String?

        public static func == (lhs: Proposal, rhs: Proposal) -> Bool {
            lhs.method == rhs.method && lhs.path == rhs.path && lhs.differed == rhs.differed && lhs.calls == rhs.calls
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(method)
            hasher.combine(path)
        }
    }

    /// The proposals a comparison's result supports: field and status-message differences, per method.
    /// Other differences (statuses, message counts) are not noise a rule should hide; they come back in
    /// `notLearned`.
    public static func proposals(from result: ReplayResult) -> (rules: [Proposal], notLearned: [DifferenceGroup]) {
        let calls = Dictionary(result.methods.map { ($0.method, $0.calls) }, uniquingKeysWith: { a, _ in a })
        var merged: [String: [String: Proposal]] = [:]
        var values: [String: [String: [String]]] = [:]
        var notLearned: [DifferenceGroup] = []
        for group in result.differenceGroups {
            let path: String
            switch group.kind {
            case .field:
                guard let segments = FieldPath.segments(Substring(group.path)) else { continue }
                path = render(FieldPath.generalized(segments))
            case .statusMessage:
                path = group.path
            default:
                notLearned.append(group)
                continue
            }
            let total = calls[group.method] ?? group.calls
            var proposal =
                merged[group.method]?[path]
                ?? Proposal(method: group.method, path: path, differed: 0, calls: total, example: nil)
            proposal.differed = min(total, proposal.differed + group.calls)
            if proposal.example == nil, let first = group.examples.first {
                proposal.example = (first.expected, first.actual)
            }
            merged[group.method, default: [:]][path] = proposal
            if group.kind == .field {
                values[group.method, default: [:]][path, default: []] += group.examples.flatMap {
                    [$0.expected, $0.actual]
                }
            }
        }
        for (method, paths) in values {
            for (path, seen) in paths { merged[method]?[path]?.shape = Shape.common(to: seen) }
        }
        let rules = merged.keys.sorted().flatMap { method in
            merged[method]!.values.sorted { $0.path < $1.path }
        }
        return (rules, notLearned)
    }

    /// A rules file (``RulesFile``'s format) proposing `rules`; `source` says what was compared.
    public static func yaml(_ rules: [Proposal], notLearned: [DifferenceGroup], source: String) -> String {
        var text = "# Rules proposed by `reprise replay --learn`: \(source).\n"
        text += "# Each field below had different values for identical requests. Review them before committing:\n"
        text += "# a rule here hides the field from the golden check. Use with --rules FILE.\n"
        if rules.isEmpty { text += "# Nothing differed: no rule is needed.\n" }
        for group in notLearned {
            text +=
                "# Not learned: \(group.method) \(group.kind.rawValue)\(group.path.isEmpty ? "" : " " + group.path) "
                + "differed in \(group.calls) calls; a rule should not hide that.\n"
        }
        guard !rules.isEmpty else { return text }
        text += "methods:\n"
        let methods = rules.map(\.method).uniqued()
        for method in methods {
            text += "  \(quoted(method)):\n"
            let ofMethod = rules.filter { $0.method == method }
            let ignored = ofMethod.filter { $0.shape == nil }
            let shaped = ofMethod.filter { $0.shape != nil }
            if !ignored.isEmpty {
                text += "    ignore:\n"
                for rule in ignored { text += "      # \(comment(rule))\n      - \(quoted(rule.path))\n" }
            }
            if !shaped.isEmpty {
                text += "    matches:  # the value changes, its shape must not\n"
                for rule in shaped {
                    let name = Shape.known.first { $0.regex == rule.shape }?.name ?? "of one shape"
                    text += "      # \(comment(rule)); every value seen was \(name)\n"
                    text += "      - path: \(quoted(rule.path))\n"
                    text += "        regex: '\(rule.shape!.replacingOccurrences(of: "'", with: "''"))'\n"
                }
            }
        }
        return text
    }

    private static func comment(_ rule: Proposal) -> String {
        var comment = "differed in \(rule.differed) of \(rule.calls) calls"
        if let (first, second) = rule.example {
            comment += ", e.g. \(clip(first)) then \(clip(second))"
        }
        return comment
    }

    /// The value shapes a learned rule may keep, most particular first.
    enum Shape {
        static let known: [(name: String, regex: String)] = [
            ("a UUID", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
            (
                "an RFC 3339 time",
                #"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"#
            ),
            ("a duration", #"-?[0-9]+(\.[0-9]+)?s"#),
            ("an integer", "-?[0-9]+"),
        ]

        /// The first known shape every value (JSON text, as the check prints it) has; nil when they have
        /// none in common, or a value is absent, null, an object or a list.
        static func common(to values: [String]) -> String? {
            var texts: [String] = []
            for value in values {
                switch try? JSONValue(parsing: value) {
                case .string(let text)?: texts.append(text)
                case .number(let number)?: texts.append(JSONValue.number(number).jsonString())
                default: return nil
                }
            }
            guard !texts.isEmpty else { return nil }
            for shape in known {
                guard let regex = try? Regex(shape.regex) else { continue }
                if texts.allSatisfy({ (try? regex.wholeMatch(in: $0)) != nil }) { return shape.regex }
            }
            return nil
        }
    }

    /// A generalised path: `responses[*].items[*].id`.
    static func render(_ segments: [String]) -> String {
        var text = ""
        for segment in segments {
            if segment == "*" || Int(segment) != nil {
                text += "[\(segment)]"
            } else {
                text += (text.isEmpty ? "" : ".") + segment
            }
        }
        return text
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func clip(_ text: String) -> String {
        let single = text.replacingOccurrences(of: "\n", with: " ")
        return single.count > 60 ? String(single.prefix(57)) + "…" : single
    }
}
