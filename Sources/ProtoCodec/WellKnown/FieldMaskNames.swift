/// FieldMask paths in JSON: `foo_bar.baz` is written `fooBar.baz`; only paths that convert back
/// unchanged are allowed either way.
enum FieldMaskNames {
    static func toJSON(_ path: String) -> String? {
        var out = ""
        var upperNext = false
        for scalar in path.unicodeScalars {
            if scalar == "_" {
                guard !upperNext else { return nil }
                upperNext = true
            } else if upperNext {
                guard scalar.properties.isLowercase, scalar.isASCII else { return nil }
                out.unicodeScalars.append(contentsOf: String(scalar).uppercased().unicodeScalars)
                upperNext = false
            } else {
                guard !(scalar.isASCII && scalar.properties.isUppercase) else { return nil }
                out.unicodeScalars.append(scalar)
            }
        }
        return upperNext ? nil : out
    }

    static func fromJSON(_ path: String) -> String? {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar == "_" { return nil }
            if scalar.isASCII, scalar.properties.isUppercase {
                out.append("_")
                out.append(String(scalar).lowercased())
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
