import ProtoCodec

/// Go's `fmt` renderings that k6's error messages embed, for JSON values standing in for JS values.
enum GoFormat {
    /// `%q`: a double-quoted Go string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `%#v` of the Go value a JS value exports to: strings quoted, integers as `1`, other numbers as
    /// `1.5`, `true`, `<nil>`, `[]interface {}{...}`, `map[string]interface {}{"k":...}`.
    static func goSyntax(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .string(let text): return quoted(text)
        case .number(let number):
            if let integer = number.int64Value { return String(integer) }
            return number.text
        case .array(let items): return "[]interface {}{" + items.map(goSyntax).joined(separator: ", ") + "}"
        case .object(let object):
            let members = object.members.sorted { $0.key < $1.key }
            return "map[string]interface {}{"
                + members.map { quoted($0.key) + ":" + goSyntax($0.value) }
                .joined(separator: ", ") + "}"
        }
    }

    /// `%T` of the Go value a JS value exports to.
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "<nil>"
        case .bool: "bool"
        case .string: "string"
        case .number(let number): number.int64Value == nil ? "float64" : "int64"
        case .array: "[]interface {}"
        case .object: "map[string]interface {}"
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
