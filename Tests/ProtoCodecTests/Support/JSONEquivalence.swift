import ProtoCodec

/// Compares JSON values as JSON means them: objects ignore key order, numbers compare by value.
enum JSONEquivalence {
    private static func significantDigits(_ text: String) -> Int {
        let mantissa = text.split(whereSeparator: { $0 == "e" || $0 == "E" }).first ?? ""
        let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        return digits.count
    }

    /// Where `a` and `b` first differ (a path and both values), or nil when they are equivalent.
    static func difference(_ a: JSONValue, _ b: JSONValue, path: String = "$") -> String? {
        switch (a, b) {
        case (.null, .null):
            return nil
        case (.bool(let x), .bool(let y)):
            return x == y ? nil : "\(path): \(x) vs \(y)"
        case (.string(let x), .string(let y)):
            return x == y ? nil : "\(path): \(a) vs \(b)"
        case (.number(let x), .number(let y)):
            if x.text == y.text || x.doubleValue == y.doubleValue { return nil }
            // Shortest float32 forms differ between runtimes (Python 1.4013e-45, Go and Swift 1e-45);
            // accept numbers short enough to be float forms that name the same float.
            if significantDigits(x.text) <= 9, significantDigits(y.text) <= 9, let p = Float(x.text),
                let q = Float(y.text), p == q
            {
                return nil
            }
            return "\(path): \(x) vs \(y)"
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return "\(path): \(x.count) elements vs \(y.count)" }
            for (index, (p, q)) in zip(x, y).enumerated() {
                if let difference = difference(p, q, path: "\(path)[\(index)]") { return difference }
            }
            return nil
        case (.object(let x), .object(let y)):
            for member in x.members {
                guard let other = y[member.key] else { return "\(path).\(member.key): only on the left" }
                if let difference = difference(member.value, other, path: "\(path).\(member.key)") {
                    return difference
                }
            }
            for member in y.members where x[member.key] == nil {
                return "\(path).\(member.key): only on the right"
            }
            return nil
        default:
            return "\(path): \(a) vs \(b)"
        }
    }
}
