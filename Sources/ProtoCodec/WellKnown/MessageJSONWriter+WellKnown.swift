import ProtoSchema

extension MessageJSONWriter {
    mutating func writeWellKnown(_ known: WellKnownType, _ message: DynamicMessage, depth: Int) throws(CodecError) {
        switch known {
        case .any:
            try writeAny(message, depth: depth)
        case .timestamp:
            let text = try TimeFormat.formatTimestamp(
                seconds: message.int64(number: 1), nanos: Int32(truncatingIfNeeded: message.int64(number: 2)))
            out.writeString(text)
        case .duration:
            let text = try TimeFormat.formatDuration(
                seconds: message.int64(number: 1), nanos: Int32(truncatingIfNeeded: message.int64(number: 2)))
            out.writeString(text)
        case .fieldMask:
            var paths: [String] = []
            if case .list(.strings(let list))? = message.value(number: 1) {
                for path in list {
                    guard let json = FieldMaskNames.toJSON(path) else {
                        throw CodecError(.unencodable, "FieldMask path \"\(path)\" has no lowerCamelCase JSON form")
                    }
                    paths.append(json)
                }
            }
            out.writeString(paths.joined(separator: ","))
        case .struct:
            try writeStruct(message, depth: depth)
        case .value:
            try writeValue(message, depth: depth)
        case .listValue:
            try writeListValue(message, depth: depth)
        case .empty:
            out.beginObject()
            out.endObject()
        default:
            // The wrappers: the bare value of field 1, its default when unset.
            let layout = message.layout
            let slot = layout.slot(forNumber: 1)
            guard slot >= 0 else {
                out.writeNull()
                return
            }
            let info = layout.fields[slot]
            try writeSingular(message.slotValue(slot) ?? layout.defaults[slot] ?? .bool(false), info, depth: depth)
        }
    }

    private mutating func writeAny(_ message: DynamicMessage, depth: Int) throws(CodecError) {
        let url = message.value(number: 1)?.stringValue ?? ""
        let bytes = message.value(number: 2)?.bytesValue ?? []
        if url.isEmpty {
            guard bytes.isEmpty else { throw CodecError(.unencodable, "Any has a value but no type_url") }
            out.beginObject()
            out.endObject()
            return
        }
        guard let type = message.type.registry.type(forTypeURL: url) else {
            throw CodecError(.unknownType, "unable to resolve \"\(url)\": not found in the loaded descriptors")
        }
        let inner: DynamicMessage
        do throws(CodecError) {
            inner = try DynamicMessage(
                type: type, serializedBytes: bytes, options: .with { $0.allowPartial = true })
        } catch {
            throw CodecError(.unencodable, "Any value of type \(type.fullName) does not decode: \(error)")
        }
        out.beginObject()
        out.writeKey("@type")
        out.writeString(url)
        if type.layout.wellKnownType != nil {
            out.writeKey("value")
            try writeMessage(inner, depth: depth + 1)
        } else {
            try writeFields(inner, depth: depth + 1)
        }
        out.endObject()
    }

    private mutating func writeStruct(_ message: DynamicMessage, depth: Int) throws(CodecError) {
        out.beginObject()
        if case .map(let map)? = message.value(number: 1) {
            for entry in map.entries {
                let key = entry.key.jsonText
                out.writeKey(key)
                guard case .message(let value) = entry.value else {
                    out.writeNull()
                    continue
                }
                do throws(CodecError) {
                    try writeMessage(value, depth: depth + 1)
                } catch {
                    throw error.at("[\(JSONWriter.quoted(key))]")
                }
            }
        }
        out.endObject()
    }

    private mutating func writeListValue(_ message: DynamicMessage, depth: Int) throws(CodecError) {
        out.beginArray()
        if case .list(.messages(let values))? = message.value(number: 1) {
            for (index, value) in values.enumerated() {
                out.beginElement()
                do throws(CodecError) {
                    try writeMessage(value, depth: depth + 1)
                } catch {
                    throw error.at("[\(index)]")
                }
            }
        }
        out.endArray()
    }

    private mutating func writeValue(_ message: DynamicMessage, depth: Int) throws(CodecError) {
        // `kind` is a oneof: null_value 1, number_value 2, string_value 3, bool_value 4,
        // struct_value 5, list_value 6. An unset Value is written as null, as protobuf's Python does.
        for number: Int32 in 1...6 {
            guard let value = message.value(number: number) else { continue }
            switch (number, value) {
            case (2, .double(let v)):
                guard v.isFinite else {
                    throw CodecError(.unencodable, "Value.number_value \(v) is not a JSON number")
                }
                out.writeNumber(v)
            case (3, .string(let v)): out.writeString(v)
            case (4, .bool(let v)): out.writeBool(v)
            case (5, .message(let v)), (6, .message(let v)): try writeMessage(v, depth: depth + 1)
            default: out.writeNull()
            }
            return
        }
        out.writeNull()
    }
}

extension DynamicMessage {
    /// The value of the field with this number (no extensions), nil when unset or unknown.
    func value(number: Int32) -> Value? {
        let slot = layout.slot(forNumber: number)
        return slot >= 0 ? slotValue(slot) : nil
    }

    /// An integer field by number, 0 when unset.
    func int64(number: Int32) -> Int64 { value(number: number)?.int64Value ?? 0 }
}
