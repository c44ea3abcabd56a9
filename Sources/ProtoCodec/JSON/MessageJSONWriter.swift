import ProtoSchema

/// Writes a ``DynamicMessage`` as proto3 JSON straight into bytes, without building a tree.
struct MessageJSONWriter {
    var out: JSONWriter
    let options: JSONEncodingOptions

    init(options: JSONEncodingOptions, capacity: Int = 256) {
        out = JSONWriter(pretty: options.pretty, capacity: capacity)
        self.options = options
    }

    /// A writer appending to `bytes`.
    init(options: JSONEncodingOptions, appendingTo bytes: [UInt8]) {
        out = JSONWriter(pretty: options.pretty, appendingTo: bytes)
        self.options = options
    }

    mutating func writeMessage(_ message: DynamicMessage, depth: Int) throws(CodecError) {
        guard depth <= options.recursionLimit else {
            throw CodecError(
                .recursionLimit, "messages nested deeper than the recursion limit (\(options.recursionLimit))")
        }
        let layout = message.layout
        if let known = layout.wellKnownType {
            try writeWellKnown(known, message, depth: depth)
            return
        }
        out.beginObject()
        try writeFields(message, depth: depth)
        out.endObject()
    }

    /// Writes the members for the fields of `message` into the object already open.
    mutating func writeFields(_ message: DynamicMessage, depth: Int) throws(CodecError) {
        let layout = message.layout
        let fields = layout.fields
        let keys = options.useProtoNames ? layout.protoKeys : layout.jsonKeys
        for slot in 0..<fields.count {
            let info = fields[slot]
            do throws(CodecError) {
                if let value = message.slotValue(slot) {
                    out.writeKey(quoted: keys[slot])
                    try writeFieldValue(value, info, depth: depth)
                } else {
                    try writeUnset(info, key: keys[slot], layout: layout)
                }
            } catch {
                throw error.inField(info, of: layout)
            }
        }
        for entry in message.storage.extensions {
            guard let info = layout.extensions[entry.number] else { continue }
            do throws(CodecError) {
                out.writeKey("[\(info.descriptor.fullName)]")
                try writeFieldValue(entry.value, info, depth: depth)
            } catch {
                throw error.inField(info, of: layout)
            }
        }
    }

    mutating func writeUnset(_ info: FieldInfo, key: [UInt8], layout: MessageLayout) throws(CodecError) {
        switch options.unpopulated {
        case .omitted:
            return
        case .emitted:
            if info.descriptor.oneof != nil { return }
            out.writeKey(quoted: key)
            if info.isMap {
                out.beginObject()
                out.endObject()
            } else if info.isRepeated {
                out.beginArray()
                out.endArray()
            } else if info.kind == .message || info.flags.contains(.proto2Scalar) {
                out.writeNull()
            } else {
                try writeSingular(layout.defaults[info.slot] ?? info.kind.zero ?? .bool(false), info, depth: 0)
            }
        case .emittedWithoutPresence:
            if info.hasPresence { return }
            out.writeKey(quoted: key)
            if info.isMap {
                out.beginObject()
                out.endObject()
            } else if info.isRepeated {
                out.beginArray()
                out.endArray()
            } else {
                try writeSingular(layout.defaults[info.slot] ?? info.kind.zero ?? .bool(false), info, depth: 0)
            }
        }
    }

    mutating func writeFieldValue(_ value: Value, _ info: FieldInfo, depth: Int) throws(CodecError) {
        switch value {
        case .list(let list):
            out.beginArray()
            for index in 0..<list.count {
                out.beginElement()
                do throws(CodecError) {
                    try writeSingular(list[index], info, depth: depth)
                } catch {
                    throw error.at("[\(index)]")
                }
            }
            out.endArray()
        case .map(let map):
            let entryLayout = info.messageLayout!
            let valueInfo = entryLayout.fields[entryLayout.slot(forNumber: 2)]
            out.beginObject()
            for entry in map.entries {
                let key = entry.key.jsonText
                out.writeKey(key)
                do throws(CodecError) {
                    try writeSingular(entry.value, valueInfo, depth: depth)
                } catch {
                    throw error.at("[\(JSONWriter.quoted(key))]")
                }
            }
            out.endObject()
        default:
            try writeSingular(value, info, depth: depth)
        }
    }

    /// Writes one value of the field's type (an element, for lists).
    mutating func writeSingular(_ value: Value, _ info: FieldInfo, depth: Int) throws(CodecError) {
        switch value {
        case .bool(let v): out.writeBool(v)
        case .int32(let v): out.writeNumber(Int64(v))
        case .uint32(let v): out.writeNumber(UInt64(v))
        case .int64(let v):
            out.writeByte(UInt8(ascii: "\""))
            out.writeNumber(v)
            out.writeByte(UInt8(ascii: "\""))
        case .uint64(let v):
            out.writeByte(UInt8(ascii: "\""))
            out.writeNumber(v)
            out.writeByte(UInt8(ascii: "\""))
        case .float(let v):
            if v.isFinite { out.writeNumber(v) } else { writeNonFinite(Double(v)) }
        case .double(let v):
            if v.isFinite { out.writeNumber(v) } else { writeNonFinite(v) }
        case .string(let v): out.writeString(v)
        case .bytes(let v):
            v.withUnsafeBytes { out.writeBase64($0) }
        case .enumNumber(let number):
            writeEnum(number, info.enumType)
        case .message(let message):
            try writeMessage(message, depth: depth + 1)
        case .list, .map:
            try writeFieldValue(value, info, depth: depth)
        }
    }

    private mutating func writeNonFinite(_ value: Double) {
        if value.isNaN {
            out.writeASCII("\"NaN\"")
        } else if value > 0 {
            out.writeASCII("\"Infinity\"")
        } else {
            out.writeASCII("\"-Infinity\"")
        }
    }

    mutating func writeEnum(_ number: Int32, _ enumType: EnumDescriptor?) {
        if enumType?.fullName == "google.protobuf.NullValue" {
            out.writeNull()
        } else if !options.enumsAsNumbers, let name = enumType?.value(number: number)?.name {
            out.writeString(name)
        } else {
            out.writeNumber(Int64(number))
        }
    }
}
