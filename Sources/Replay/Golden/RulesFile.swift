import Foundation
import LocalFile
import Yams

/// `--rules FILE.yaml`: the golden check's rules in a file a team reviews and commits.
///
/// ```yaml
/// compare_status_message: true      # false compares status codes only
/// compare_headers: [x-api-version]  # response header keys compared (none by default)
/// compare_trailers: [x-cache]       # trailer keys compared (none by default)
/// ignore:                           # fields that always differ, in every method
///   - fetchedAt
///   - "demo.v1.Demo/*:responses[*].requestId"
/// tolerance:                        # numbers that may move: absolute, relative (a fraction), or both
///   - path: load
///     absolute: 0.5
/// repeated:                         # repeated fields whose order does not matter
///   - path: tags
///     as: set
///   - path: items
///     key: id                       # elements paired by their `id`
/// matches:                          # values that change each call but keep a shape: the replayed value
///   - path: requestId               # must match all of the regular expression, whatever was recorded
///     regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
/// methods:                          # the same, for one method or service
///   demo.v1.Demo/Echo:
///     ignore: [request.timestamp]
/// ```
///
/// Paths are ``IgnoreRule``s, in the syntax the check prints. Mistakes are errors naming the file, line
/// and column.
public enum RulesFile {
    /// The largest rules file read (rules are a few KB; this bounds what a mistaken path costs).
    public static let maximumBytes = 4 * 1024 * 1024

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ReplayError) -> CompareRules {
        let text: String
        do {
            text = try LocalFile.readText(path, limit: maximumBytes)
        } catch {
            throw ReplayError(.unreadableInput, "--rules \(path): cannot read it: \(error.reason)")
        }
        return try parse(text, name: path)
    }

    /// Parses rules from YAML text; `name` names the file in errors.
    public static func parse(_ text: String, name: String) throws(ReplayError) -> CompareRules {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ReplayError(.unreadableInput, "\(name):\(Self.describe(error))")
        } catch {
            throw ReplayError(.unreadableInput, "\(name): \(error)")
        }
        var rules = CompareRules()
        guard let root else { return rules }
        let reader = Reader(name: name)
        try reader.read(root, method: nil, into: &rules, topLevel: true)
        return rules
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            return "\(mark.line):\(mark.column): \(problem)" + (context.map { " (\($0.text))" } ?? "")
        default:
            return " \(error)"
        }
    }

    private struct Reader {
        let name: String

        func fail(_ node: Node, _ message: String) -> ReplayError {
            let place = node.mark.map { "\($0.line):\($0.column)" } ?? "?"
            return ReplayError(.unreadableInput, "\(name):\(place): \(message)")
        }

        func read(_ node: Node, method: String?, into rules: inout CompareRules, topLevel: Bool) throws(ReplayError) {
            guard let mapping = node.mapping else {
                throw fail(
                    node,
                    "expected a mapping of rule kinds (ignore, tolerance, repeated, matches\(topLevel ? ", methods, compare_status_message, compare_headers, compare_trailers" : ""))"
                )
            }
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                switch key {
                case "ignore":
                    for item in try list(value, of: key) { rules.ignore.append(try pattern(item, method: method)) }
                case "tolerance":
                    for item in try list(value, of: key) {
                        rules.tolerances.append(try tolerance(item, method: method))
                    }
                case "repeated":
                    for item in try list(value, of: key) { rules.repeated.append(try repeated(item, method: method)) }
                case "matches":
                    for item in try list(value, of: key) { rules.matches.append(try matches(item, method: method)) }
                case "compare_status_message" where topLevel:
                    guard let flag = value.bool else {
                        throw fail(value, "compare_status_message: expected true or false")
                    }
                    rules.compareStatusMessage = flag
                case "compare_headers" where topLevel, "compare_trailers" where topLevel:
                    var keys: [String] = []
                    for item in try list(value, of: key) {
                        guard let text = item.string, !text.isEmpty, !text.contains(" "), !text.hasPrefix(":") else {
                            throw fail(item, "\(key): expected metadata keys such as x-api-version")
                        }
                        keys.append(text.lowercased())
                    }
                    if key == "compare_headers" { rules.headers += keys } else { rules.trailers += keys }
                case "methods" where topLevel:
                    guard let methods = value.mapping else {
                        throw fail(
                            value, "methods: expected a mapping of pkg.Service/Method (or pkg.Service/*) to rules")
                    }
                    for (methodNode, body) in methods {
                        guard let name = methodNode.string, name.contains("/") else {
                            throw fail(
                                methodNode,
                                "methods: expected pkg.Service/Method or pkg.Service/*, not '\(methodNode.string ?? "")'"
                            )
                        }
                        try read(body, method: name, into: &rules, topLevel: false)
                    }
                default:
                    let known =
                        topLevel
                        ? "ignore, tolerance, repeated, matches, methods, compare_status_message, compare_headers, "
                            + "compare_trailers"
                        : "ignore, tolerance, repeated, matches"
                    throw fail(keyNode, "unknown key '\(key)'; expected one of \(known)")
                }
            }
        }

        func list(_ node: Node, of key: String) throws(ReplayError) -> [Node] {
            if let sequence = node.sequence { return Array(sequence) }
            if node.scalar != nil || node.mapping != nil { return [node] }
            throw fail(node, "\(key): expected a list")
        }

        func pattern(_ node: Node, method: String?) throws(ReplayError) -> IgnoreRule {
            guard let text = node.string, !text.isEmpty else {
                throw fail(node, "expected a field path such as items[*].id")
            }
            do {
                let rule = try IgnoreRule(parsing: method.map { "\($0):\(text)" } ?? text)
                return rule
            } catch {
                throw fail(node, error.message)
            }
        }

        func tolerance(_ node: Node, method: String?) throws(ReplayError) -> ToleranceRule {
            guard let mapping = node.mapping, let path = mapping["path"] else {
                throw fail(node, "tolerance: expected {path: PATH, absolute: N} or {path: PATH, relative: FRACTION}")
            }
            var rule = ToleranceRule(pattern: try pattern(path, method: method))
            for (keyNode, value) in mapping {
                switch keyNode.string {
                case "path": continue
                case "absolute":
                    guard let number = value.float, number >= 0 else {
                        throw fail(value, "absolute: expected a number ≥ 0")
                    }
                    rule.absolute = number
                case "relative":
                    guard let number = value.float, number >= 0 else {
                        throw fail(value, "relative: expected a fraction ≥ 0 such as 0.01 (one percent)")
                    }
                    rule.relative = number
                default:
                    throw fail(
                        keyNode, "tolerance: unknown key '\(keyNode.string ?? "")'; expected path, absolute, relative")
                }
            }
            guard rule.absolute != nil || rule.relative != nil else {
                throw fail(node, "tolerance: give absolute, relative or both")
            }
            return rule
        }

        func repeated(_ node: Node, method: String?) throws(ReplayError) -> RepeatedRule {
            guard let mapping = node.mapping, let path = mapping["path"] else {
                throw fail(node, "repeated: expected {path: PATH, as: set} or {path: PATH, key: FIELD}")
            }
            var match: RepeatedRule.Match?
            for (keyNode, value) in mapping {
                switch keyNode.string {
                case "path": continue
                case "as":
                    guard value.string == "set" else { throw fail(value, "as: expected 'set' (or give key: FIELD)") }
                    match = .set
                case "key":
                    guard let field = value.string, !field.isEmpty else {
                        throw fail(value, "key: expected a field name")
                    }
                    match = .key(field)
                default:
                    throw fail(keyNode, "repeated: unknown key '\(keyNode.string ?? "")'; expected path, as, key")
                }
            }
            guard let match else { throw fail(node, "repeated: give as: set or key: FIELD") }
            return RepeatedRule(pattern: try pattern(path, method: method), match: match)
        }

        func matches(_ node: Node, method: String?) throws(ReplayError) -> MatchRule {
            guard let mapping = node.mapping, let path = mapping["path"] else {
                throw fail(node, "matches: expected {path: PATH, regex: EXPRESSION}")
            }
            var regex: Node?
            for (keyNode, value) in mapping {
                switch keyNode.string {
                case "path": continue
                case "regex": regex = value
                default:
                    throw fail(keyNode, "matches: unknown key '\(keyNode.string ?? "")'; expected path, regex")
                }
            }
            guard let regex, let source = regex.string, !source.isEmpty else {
                throw fail(node, "matches: give regex: EXPRESSION (the whole replayed value must match it)")
            }
            let place = try pattern(path, method: method)
            do {
                return try MatchRule(pattern: place, regex: source)
            } catch {
                throw fail(regex, "regex: '\(source)' is not a regular expression: \(error)")
            }
        }
    }
}
