import ProtoSchema

/// Reads proto3 JSON (as a ``JSONValue`` tree) into a ``DynamicMessage``, with protojson's rules:
/// JSON or proto names, `null` meaning unset, unknown names and repeated fields as errors.
struct MessageJSONReader {
    let options: JSONDecodingOptions

    func readMessage(_ json: JSONValue, layout: MessageLayout, depth: Int) throws(CodecError) -> DynamicMessage {
        guard depth <= options.recursionLimit else {
            throw CodecError(
                .recursionLimit, "messages nested deeper than the recursion limit (\(options.recursionLimit))")
        }
        if let known = layout.wellKnownType {
            return try readWellKnown(known, json, layout: layout, depth: depth)
        }
        guard case .object(let object) = json else {
            throw CodecError(.invalidValue, "expected an object for \(layout.fullName), got \(json.typeName)")
        }
        var message = layout.makeMessage()
        try readFields(object.members, into: &message, depth: depth)
        return message
    }

    /// Reads members into the fields of `message` (for `Any`, the members other than `@type`).
    func readFields(_ members: some Sequence<JSONObject.Member>, into message: inout DynamicMessage, depth: Int)
        throws(CodecError)
    {
        let layout = message.layout
        var seen = Set<Int32>()
        var seenOneofs = Set<Int>()
        for member in members {
            guard let info = try field(named: member.key, in: layout) else { continue }
            do throws(CodecError) {
                guard seen.insert(info.number).inserted else {
                    throw CodecError(.duplicateField, "field \(info.descriptor.name) is given more than once")
                }
                if member.value.isNull, !Self.takesNull(info) { continue }
                if !info.isRepeated, let oneof = info.descriptor.realOneof {
                    guard seenOneofs.insert(info.oneof).inserted else {
                        throw CodecError(
                            .duplicateField, "oneof \(oneof.name) already has a member set; give only one of its fields"
                        )
                    }
                }
                guard let value = try readFieldValue(member.value, info, depth: depth) else { continue }
                message[info] = value
            } catch {
                throw error.at(Self.pathStep(member.key))
            }
        }
    }

    /// The field for a JSON member name: its JSON name, proto name, or `[extension.full.name]`.
    private func field(named key: String, in layout: MessageLayout) throws(CodecError) -> FieldInfo? {
        if let slot = layout.slotsByName[key] { return layout.fields[slot] }
        if key.hasPrefix("["), key.hasSuffix("]") {
            let name = String(key.dropFirst().dropLast())
            if let field = layout.registry.pool.extensionField(named: name), let info = layout.info(for: field) {
                return info
            }
        }
        if options.ignoreUnknownFields { return nil }
        throw CodecError(
            .unknownField, "unknown field \"\(key)\" in \(layout.fullName)\(Self.fieldsText(layout))",
            path: "$" + Self.pathStep(key))
    }

    /// "; its fields are a, b, c" (JSON names, the first twelve), or "; it has no fields".
    private static func fieldsText(_ layout: MessageLayout) -> String {
        let names = layout.fields.filter { !$0.flags.contains(.isExtension) }.map(\.descriptor.jsonName)
        if names.isEmpty { return "; it has no fields" }
        let shown = names.prefix(12).joined(separator: ", ")
        return "; its fields are \(shown)" + (names.count > 12 ? " and \(names.count - 12) more" : "")
    }

    /// `null` sets `google.protobuf.Value` (to null_value) and `NullValue` enums; elsewhere it means unset.
    static func takesNull(_ info: FieldInfo) -> Bool {
        guard !info.isRepeated else { return false }
        return info.messageLayout?.wellKnownType == .value || info.enumType?.fullName == "google.protobuf.NullValue"
    }

    /// The value for a field from its JSON, or nil when it stays unset (an unknown enum name that is
    /// ignored).
    func readFieldValue(_ json: JSONValue, _ info: FieldInfo, depth: Int) throws(CodecError) -> Value? {
        if info.isMap {
            guard case .object(let object) = json else {
                throw CodecError(.invalidValue, "expected an object for map field \(info.name), got \(json.typeName)")
            }
            return .map(try readMap(object, info, depth: depth))
        }
        if info.isRepeated {
            guard case .array(let elements) = json else {
                throw CodecError(
                    .invalidValue, "expected an array for repeated field \(info.name), got \(json.typeName)")
            }
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                do throws(CodecError) {
                    if element.isNull, !(info.messageLayout?.wellKnownType == .value || Self.isNullEnum(info)) {
                        throw CodecError(.invalidValue, "null is not allowed in a list (\(info.name))")
                    }
                    if let value = try readSingular(element, info, depth: depth) { values.append(value) }
                } catch {
                    throw error.at("[\(index)]")
                }
            }
            return .list(Self.typedList(values, kind: info.kind))
        }
        return try readSingular(json, info, depth: depth)
    }

    private static func isNullEnum(_ info: FieldInfo) -> Bool {
        info.enumType?.fullName == "google.protobuf.NullValue"
    }

    private func readMap(_ object: JSONObject, _ info: FieldInfo, depth: Int) throws(CodecError) -> MapValue {
        let entryLayout = info.messageLayout!
        let keyInfo = entryLayout.fields[entryLayout.slot(forNumber: 1)]
        let valueInfo = entryLayout.fields[entryLayout.slot(forNumber: 2)]
        var map = MapValue()
        var keys = Set<MapKey>()
        for member in object.members {
            do throws(CodecError) {
                let key = try Self.mapKey(member.key, keyInfo)
                guard keys.insert(key).inserted else {
                    throw CodecError(
                        .duplicateField, "map key \(JSONWriter.quoted(member.key)) is given more than once")
                }
                if member.value.isNull, valueInfo.messageLayout?.wellKnownType != .value, !Self.isNullEnum(valueInfo) {
                    throw CodecError(.invalidValue, "null is not allowed as a map value")
                }
                guard let value = try readSingular(member.value, valueInfo, depth: depth) else { continue }
                map.insertOrReplace(key, value)
            } catch {
                throw error.at("[\(JSONWriter.quoted(member.key))]")
            }
        }
        return map
    }

    /// One value of the field's type (an element, for lists).
    func readSingular(_ json: JSONValue, _ info: FieldInfo, depth: Int) throws(CodecError) -> Value? {
        switch info.kind {
        case .message:
            return .message(try readMessage(json, layout: info.messageLayout!, depth: depth + 1))
        case .enumNumber:
            return try readEnum(json, info)
        default:
            return try JSONScalar.read(json, info)
        }
    }

    private func readEnum(_ json: JSONValue, _ info: FieldInfo) throws(CodecError) -> Value? {
        switch json {
        case .null where Self.isNullEnum(info):
            return .enumNumber(0)
        case .string(let name):
            if let value = info.enumType?.value(named: name) { return .enumNumber(value.number) }
            if options.ignoreUnknownFields { return nil }
            throw CodecError(
                .invalidValue,
                "\"\(name)\" is not a value of enum \(info.enumType?.fullName ?? "?")\(Self.enumHint(info))")
        case .number(let number):
            guard let value = number.int64Value, let number32 = Int32(exactly: value) else {
                throw CodecError(.invalidValue, "enum number \(number) is not a 32-bit integer")
            }
            return .enumNumber(number32)
        default:
            throw CodecError(
                .invalidValue,
                "expected an enum name (a string) or number for \(info.enumType?.fullName ?? "enum"), got \(json.typeName)"
            )
        }
    }

    private static func enumHint(_ info: FieldInfo) -> String {
        guard let values = info.enumType?.values, !values.isEmpty else { return "" }
        let names = values.prefix(8).map(\.name).joined(separator: ", ")
        return " (expected one of: \(names)\(values.count > 8 ? ", ..." : ""))"
    }

    /// A map key from its JSON object key.
    static func mapKey(_ text: String, _ keyInfo: FieldInfo) throws(CodecError) -> MapKey {
        func bad(_ what: String) -> CodecError {
            CodecError(.invalidValue, "map key \(JSONWriter.quoted(text)) is not \(what)")
        }
        switch keyInfo.kind {
        case .string: return .string(text)
        case .bool:
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw bad("true or false")
            }
        case .int32:
            guard let v = Int32(text) else { throw bad("a 32-bit integer") }
            return .int32(v)
        case .int64:
            guard let v = Int64(text) else { throw bad("a 64-bit integer") }
            return .int64(v)
        case .uint32:
            guard let v = UInt32(text) else { throw bad("an unsigned 32-bit integer") }
            return .uint32(v)
        case .uint64:
            guard let v = UInt64(text) else { throw bad("an unsigned 64-bit integer") }
            return .uint64(v)
        default:
            throw bad("of a valid map key type")
        }
    }

    /// `key` as a path step: `.name` when it is a simple name, else `["quoted"]`.
    static func pathStep(_ key: String) -> String {
        let simple =
            !key.isEmpty
            && key.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
            }
        return simple ? ".\(key)" : "[\(JSONWriter.quoted(key))]"
    }

    static func typedList(_ values: [Value], kind: ValueKind) -> RepeatedValue {
        switch kind {
        case .bool: .bools(values.map { $0.boolValue ?? false })
        case .int32: .int32s(values.map { if case .int32(let v) = $0 { v } else { 0 } })
        case .int64: .int64s(values.map { if case .int64(let v) = $0 { v } else { 0 } })
        case .uint32: .uint32s(values.map { if case .uint32(let v) = $0 { v } else { 0 } })
        case .uint64: .uint64s(values.map { if case .uint64(let v) = $0 { v } else { 0 } })
        case .float: .floats(values.map { if case .float(let v) = $0 { v } else { 0 } })
        case .double: .doubles(values.map { if case .double(let v) = $0 { v } else { 0 } })
        case .string: .strings(values.map { $0.stringValue ?? "" })
        case .bytes: .bytes(values.map { $0.bytesValue ?? [] })
        case .enumNumber: .enums(values.map { if case .enumNumber(let v) = $0 { v } else { 0 } })
        case .message: .messages(values.compactMap(\.messageValue))
        }
    }
}
