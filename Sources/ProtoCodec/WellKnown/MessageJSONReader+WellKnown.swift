import ProtoSchema

extension MessageJSONReader {
    func readWellKnown(_ known: WellKnownType, _ json: JSONValue, layout: MessageLayout, depth: Int)
        throws(CodecError) -> DynamicMessage
    {
        var message = layout.makeMessage()
        switch known {
        case .any:
            try readAny(json, into: &message, depth: depth)
        case .timestamp:
            guard case .string(let text) = json else { throw expected("an RFC 3339 timestamp string", json, layout) }
            let (seconds, nanos) = try TimeFormat.parseTimestamp(text)
            message.set(number: 1, .int64(seconds))
            message.set(number: 2, .int32(nanos))
        case .duration:
            guard case .string(let text) = json else { throw expected("a duration string like \"1.5s\"", json, layout) }
            let (seconds, nanos) = try TimeFormat.parseDuration(text)
            message.set(number: 1, .int64(seconds))
            message.set(number: 2, .int32(nanos))
        case .fieldMask:
            guard case .string(let text) = json else {
                throw expected("a string of comma-separated paths like \"fooBar,baz.qux\"", json, layout)
            }
            var paths: [String] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) where !(text.isEmpty) {
                guard let path = FieldMaskNames.fromJSON(String(part)), !path.isEmpty else {
                    throw CodecError(
                        .invalidValue, "FieldMask path \(JSONWriter.quoted(String(part))) is not a lowerCamelCase path")
                }
                paths.append(path)
            }
            message.set(number: 1, .list(.strings(paths)))
        case .struct:
            guard case .object(let object) = json else { throw expected("an object", json, layout) }
            try readStruct(object, into: &message, depth: depth)
        case .value:
            try readValue(json, into: &message, depth: depth)
        case .listValue:
            guard case .array(let elements) = json else { throw expected("an array", json, layout) }
            try readListValue(elements, into: &message, depth: depth)
        case .empty:
            guard case .object(let object) = json else { throw expected("an object", json, layout) }
            try readFields(object.members, into: &message, depth: depth)
        default:
            // Wrappers: the bare value of field 1.
            let slot = layout.slot(forNumber: 1)
            guard slot >= 0 else { throw CodecError(.invalidSchema, "wrapper type \(layout.fullName) has no field 1") }
            if !json.isNull, let value = try readSingular(json, layout.fields[slot], depth: depth) {
                message.set(number: 1, value)
            }
        }
        return message
    }

    private func expected(_ what: String, _ json: JSONValue, _ layout: MessageLayout) -> CodecError {
        CodecError(.invalidValue, "expected \(what) for \(layout.fullName), got \(json.typeName)")
    }

    private func readAny(_ json: JSONValue, into message: inout DynamicMessage, depth: Int) throws(CodecError) {
        guard case .object(let object) = json else { throw expected("an object with \"@type\"", json, message.layout) }
        if object.isEmpty { return }
        guard let typeMember = object["@type"] else {
            throw CodecError(.invalidValue, "an Any object needs a \"@type\" member")
        }
        guard case .string(let url) = typeMember else {
            throw CodecError(.invalidValue, "\"@type\" must be a string, got \(typeMember.typeName)", path: "$.@type")
        }
        guard let type = message.type.registry.type(forTypeURL: url) else {
            throw CodecError(
                .unknownType, "unable to resolve \"\(url)\": not found in the loaded descriptors", path: "$.@type")
        }
        let rest = object.members.filter { $0.key != "@type" }
        let inner: DynamicMessage
        if type.layout.wellKnownType != nil {
            // Python's protobuf writes an Any holding Empty without "value"; accept that too.
            let empty = JSONObject.Member(key: "value", value: .object(JSONObject()))
            guard
                let value = rest.first(where: { $0.key == "value" })
                    ?? (type.layout.wellKnownType == .empty ? empty : nil)
            else {
                throw CodecError(.invalidValue, "an Any holding \(type.fullName) needs a \"value\" member")
            }
            if let other = rest.first(where: { $0.key != "value" }) {
                throw CodecError(.unknownField, "unknown field \"\(other.key)\" in an Any holding \(type.fullName)")
            }
            do throws(CodecError) {
                inner = try readMessage(value.value, layout: type.layout, depth: depth + 1)
            } catch {
                throw error.at(".value")
            }
        } else {
            var fields = type.layout.makeMessage()
            try readFields(rest, into: &fields, depth: depth + 1)
            inner = fields
        }
        let bytes = try inner.serializedBytes(
            options: .with {
                $0.deterministic = true
                $0.allowPartial = true
            })
        message.set(number: 1, .string(url))
        message.set(number: 2, .bytes(bytes))
    }

    private func readStruct(_ object: JSONObject, into message: inout DynamicMessage, depth: Int) throws(CodecError) {
        let layout = message.layout
        let slot = layout.slot(forNumber: 1)
        guard slot >= 0, let entry = layout.fields[slot].messageLayout,
            let valueLayout = entry.fields[entry.slot(forNumber: 2)].messageLayout
        else { throw CodecError(.invalidSchema, "google.protobuf.Struct has an unexpected shape") }
        var map = MapValue()
        var keys = Set<String>()
        for member in object.members {
            guard keys.insert(member.key).inserted else {
                throw CodecError(.duplicateField, "key \(JSONWriter.quoted(member.key)) is given more than once")
            }
            do throws(CodecError) {
                let value = try readMessage(member.value, layout: valueLayout, depth: depth + 1)
                map.insertOrReplace(.string(member.key), .message(value))
            } catch {
                throw error.at(Self.pathStep(member.key))
            }
        }
        message.set(number: 1, .map(map))
    }

    private func readListValue(_ elements: [JSONValue], into message: inout DynamicMessage, depth: Int)
        throws(CodecError)
    {
        let layout = message.layout
        let slot = layout.slot(forNumber: 1)
        guard slot >= 0, let valueLayout = layout.fields[slot].messageLayout else {
            throw CodecError(.invalidSchema, "google.protobuf.ListValue has an unexpected shape")
        }
        var values: [DynamicMessage] = []
        values.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            do throws(CodecError) {
                values.append(try readMessage(element, layout: valueLayout, depth: depth + 1))
            } catch {
                throw error.at("[\(index)]")
            }
        }
        message.set(number: 1, .list(.messages(values)))
    }

    private func readValue(_ json: JSONValue, into message: inout DynamicMessage, depth: Int) throws(CodecError) {
        let layout = message.layout
        switch json {
        case .null:
            message.set(number: 1, .enumNumber(0))
        case .number(let number):
            let value = number.doubleValue
            guard value.isFinite else {
                throw CodecError(.invalidValue, "number \(number) is out of range for a double")
            }
            message.set(number: 2, .double(value))
        case .string(let text):
            message.set(number: 3, .string(text))
        case .bool(let flag):
            message.set(number: 4, .bool(flag))
        case .object(let object):
            guard let structLayout = layout.fields[layout.slot(forNumber: 5)].messageLayout else { return }
            var inner = structLayout.makeMessage()
            try readStruct(object, into: &inner, depth: depth + 1)
            message.set(number: 5, .message(inner))
        case .array(let elements):
            guard let listLayout = layout.fields[layout.slot(forNumber: 6)].messageLayout else { return }
            var inner = listLayout.makeMessage()
            try readListValue(elements, into: &inner, depth: depth + 1)
            message.set(number: 6, .message(inner))
        }
    }
}

extension DynamicMessage {
    /// Sets the field with this number (no type checks; for the well-known types' known shapes).
    mutating func set(number: Int32, _ value: Value) {
        let slot = layout.slot(forNumber: number)
        guard slot >= 0 else { return }
        self[layout.fields[slot]] = value
    }
}
