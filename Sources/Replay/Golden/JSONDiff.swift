import ProtoCodec

/// The differences between a recorded and a replayed response message as JSON trees, field by field, as
/// paths from the message's root; ``CompareRules`` skip fields, allow numeric tolerances, pair repeated
/// fields' elements by equality or by a key, and let values pass that match a regular expression.
struct JSONDiff {
    /// One difference: the path's segments and the two values (nil where a side has no such member).
    struct Difference {
        var path: [String]
        var expected: JSONValue?
        var actual: JSONValue?
        /// The regular expression the replayed value failed to match, when a match rule covered the field.
        var wanted: String?
    }

    let rules: CompareRules
    let method: String
    /// The response message's index (rules starting with `responses[N]` name it).
    let message: Int
    let usage: RuleUsage?

    /// Walks both trees.
    func differences(_ expected: JSONValue, _ actual: JSONValue) -> [Difference] {
        var found: [Difference] = []
        walk(expected, actual, path: [], into: &found)
        return found
    }

    private func walk(_ expected: JSONValue?, _ actual: JSONValue?, path: [String], into found: inout [Difference]) {
        if !path.isEmpty, let rule = rules.ignoring(path, message: message, method: method) {
            // Counted only where the rule hid something, so a rule that never mattered is listed as unused.
            if !Self.equal(expected, actual) { usage?.use(rule) }
            return
        }
        // A value a match rule covers passes when it matches; an absent one never does. Objects, lists and
        // null are compared as usual.
        if !path.isEmpty, !rules.matches.isEmpty, Self.scalarText(actual) != nil || actual.isNone,
            let (index, rule) = rules.matchRule(path, message: message, method: method)
        {
            if Self.equal(expected, actual) { return }
            if let replayedText = Self.scalarText(actual), rule.accepts(replayedText) {
                usage?.use(index)
            } else {
                found.append(Difference(path: path, expected: expected, actual: actual, wanted: rule.source))
            }
            return
        }
        switch (expected, actual) {
        case (.object(let left)?, .object(let right)?):
            var seen = Set<String>()
            for member in left.members {
                seen.insert(member.key)
                walk(member.value, right[member.key], path: path + [member.key], into: &found)
            }
            for member in right.members where !seen.contains(member.key) {
                walk(nil, member.value, path: path + [member.key], into: &found)
            }
        case (.array(let left)?, .array(let right)?):
            if let (index, rule) = rules.repeatedRule(path, message: message, method: method) {
                let before = found.count
                let same = left == right
                pair(left, right, by: rule.match, path: path, into: &found)
                if !same, found.count == before { usage?.use(index) }
                return
            }
            for index in 0..<max(left.count, right.count) {
                // Spelled out: `cond ? left[index] : nil` would make `nil` a JSON null (JSONValue is
                // ExpressibleByNilLiteral), and a removed element would read "replayed null".
                let recorded: JSONValue? = index < left.count ? .some(left[index]) : .none
                let replayed: JSONValue? = index < right.count ? .some(right[index]) : .none
                walk(recorded, replayed, path: path + [String(index)], into: &found)
            }
        default:
            if Self.equal(expected, actual) { return }
            if let left = Self.number(expected), let right = Self.number(actual),
                let (index, rule) = rules.tolerance(path, message: message, method: method)
            {
                if rule.accepts(left, right) {
                    usage?.use(index)
                    return
                }
            }
            found.append(Difference(path: path, expected: expected, actual: actual))
        }
    }

    /// Repeated elements paired without regard to order: by equality (each recorded element takes the first
    /// equal replayed one left), or by a key field, compared field by field under the recorded index.
    private func pair(
        _ left: [JSONValue], _ right: [JSONValue], by match: RepeatedRule.Match, path: [String],
        into found: inout [Difference]
    ) {
        var unused = Array(right.indices)
        var unmatched: [Int] = []
        for (index, element) in left.enumerated() {
            let partner: Int?
            switch match {
            case .set:
                partner = unused.firstIndex { differencesOf(element, right[$0], path: path + [String(index)]) }
            case .key(let field):
                let key = Self.member(field, of: element)
                partner = key == nil ? nil : unused.firstIndex { Self.member(field, of: right[$0]) == key }
            }
            guard let position = partner else {
                unmatched.append(index)
                continue
            }
            if case .key = match { walk(element, right[unused[position]], path: path + [String(index)], into: &found) }
            unused.remove(at: position)
        }
        for index in unmatched { found.append(Difference(path: path + [String(index)], expected: left[index])) }
        for index in unused { found.append(Difference(path: path + [String(index)], actual: right[index])) }
    }

    /// Whether two elements agree under the rules (nothing differs between them).
    private func differencesOf(_ left: JSONValue, _ right: JSONValue, path: [String]) -> Bool {
        var scratch: [Difference] = []
        walk(left, right, path: path, into: &scratch)
        return scratch.isEmpty
    }

    /// A member of an object, by JSON or proto name.
    private static func member(_ name: String, of value: JSONValue) -> JSONValue? {
        guard case .object(let object) = value else { return nil }
        return object[name] ?? object[IgnoreRule.snakeToCamel(name)]
    }

    /// A string, number or boolean as a match rule reads it (strings without their quotes); nil for objects,
    /// lists and null.
    private static func scalarText(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .number?, .bool?: value!.jsonString()
        default: nil
        }
    }

    /// 1.0 and 1 are the same number.
    private static func equal(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        if case .number(let a)? = left, case .number(let b)? = right { return a == b || a.doubleValue == b.doubleValue }
        return left == right
    }

    /// A number, or a 64-bit integer as proto3 JSON writes it (a string of digits).
    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number)?: number.doubleValue
        case .string(let text)?: Int64(text).map(Double.init) ?? UInt64(text).map(Double.init)
        default: nil
        }
    }
}

extension Optional where Wrapped == JSONValue {
    /// Whether there is no value at all (`== nil` would read the literal as JSON null).
    fileprivate var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
