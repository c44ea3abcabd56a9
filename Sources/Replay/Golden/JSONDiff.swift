import ProtoCodec

/// The differences between two JSON trees, field by field, as paths from the root.
enum JSONDiff {
    /// One difference: the path's segments and the two values (nil where a side has no such member).
    struct Difference {
        var path: [String]
        var expected: JSONValue?
        var actual: JSONValue?
    }

    /// Walks both trees; `skip` says which paths are not compared.
    static func differences(
        _ expected: JSONValue, _ actual: JSONValue, skip: ([String]) -> Bool
    ) -> [Difference] {
        var found: [Difference] = []
        walk(expected, actual, path: [], skip: skip, into: &found)
        return found
    }

    private static func walk(
        _ expected: JSONValue?, _ actual: JSONValue?, path: [String], skip: ([String]) -> Bool,
        into found: inout [Difference]
    ) {
        if !path.isEmpty, skip(path) { return }
        switch (expected, actual) {
        case (.object(let left)?, .object(let right)?):
            var seen = Set<String>()
            for member in left.members {
                seen.insert(member.key)
                walk(member.value, right[member.key], path: path + [member.key], skip: skip, into: &found)
            }
            for member in right.members where !seen.contains(member.key) {
                walk(nil, member.value, path: path + [member.key], skip: skip, into: &found)
            }
        case (.array(let left)?, .array(let right)?):
            for index in 0..<max(left.count, right.count) {
                walk(
                    index < left.count ? left[index] : nil, index < right.count ? right[index] : nil,
                    path: path + [String(index)], skip: skip, into: &found)
            }
        case (.number(let left)?, .number(let right)?):
            // 1.0 and 1 are the same number; compare values when both are plain doubles.
            if left != right, left.doubleValue != right.doubleValue {
                found.append(Difference(path: path, expected: expected, actual: actual))
            }
        default:
            if expected != actual { found.append(Difference(path: path, expected: expected, actual: actual)) }
        }
    }

    /// `$.user.items[2].id`.
    static func render(_ path: [String]) -> String {
        var text = "$"
        for segment in path {
            if let index = Int(segment), index >= 0 { text += "[\(index)]" } else { text += "." + segment }
        }
        return text
    }
}
