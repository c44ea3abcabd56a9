import ProtoCodec

/// A problem with one line, before the file and line number are attached.
struct LineProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Typed access to the members of one event line, with messages that name the event type and the key.
struct LineFields {
    let object: JSONObject
    let type: String

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let number): "the number \(number.text)"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> LineProblem {
        LineProblem("\(type) line: \"\(key)\" must be \(expected), got \(describe(value))")
    }

    func value(_ key: String) throws(LineProblem) -> JSONValue {
        guard let value = object[key] else { throw LineProblem("\(type) line: missing \"\(key)\"") }
        return value
    }

    func optionalInt(_ key: String) throws(LineProblem) -> Int64? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .number(let number) = value, let int = number.int64Value else {
            throw wrongType(key, "an integer", value)
        }
        return int
    }

    func int(_ key: String) throws(LineProblem) -> Int64 {
        _ = try value(key)
        return try optionalInt(key)!
    }

    func nonNegativeInt(_ key: String) throws(LineProblem) -> Int64 {
        let value = try int(key)
        guard value >= 0 else { throw LineProblem("\(type) line: \"\(key)\" must not be negative, got \(value)") }
        return value
    }

    func optionalString(_ key: String) throws(LineProblem) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string", value) }
        return text
    }

    func string(_ key: String) throws(LineProblem) -> String {
        _ = try value(key)
        return try optionalString(key)!
    }

    func optionalBool(_ key: String) throws(LineProblem) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(key, "true or false", value) }
        return flag
    }

    func bool(_ key: String) throws(LineProblem) -> Bool {
        _ = try value(key)
        return try optionalBool(key)!
    }

    func optionalStrings(_ key: String) throws(LineProblem) -> [String]? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .array(let elements) = value else { throw wrongType(key, "an array of strings", value) }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else { throw wrongType(key, "an array of strings", value) }
            strings.append(text)
        }
        return strings
    }

    func base64(_ key: String) throws(LineProblem) -> [UInt8] {
        let text = try string(key)
        guard let bytes = RecordingBase64.decode(text) else {
            throw LineProblem("\(type) line: \"\(key)\" is not valid base64")
        }
        return bytes
    }

    /// `[["key","value"], ...]`; absent means empty.
    func metadata(_ key: String) throws(LineProblem) -> [MetadataEntry] {
        guard let value = object[key], !value.isNull else { return [] }
        guard case .array(let pairs) = value else { throw wrongType(key, "an array of [key, value] pairs", value) }
        var entries: [MetadataEntry] = []
        entries.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() {
            guard case .array(let items) = pair, items.count == 2, case .string(let name) = items[0],
                case .string(let text) = items[1]
            else {
                throw LineProblem(
                    "\(type) line: \"\(key)\"[\(index)] must be a [key, value] pair of strings, got \(describe(pair))")
            }
            entries.append(MetadataEntry(name, text))
        }
        return entries
    }

    func oneOf<T: RawRepresentable<String>>(_ key: String, _: T.Type, allowed: String) throws(LineProblem) -> T {
        let text = try string(key)
        guard let value = T(rawValue: text) else {
            throw LineProblem("\(type) line: \"\(key)\" must be \(allowed), got \"\(text)\"")
        }
        return value
    }
}
