import ProtoSchema

/// Proto3 JSON written straight from protobuf binary, in one pass over the bytes and without building a
/// ``DynamicMessage``, for messages in the shape serializers write: known fields in declaration order, each
/// singular field at most once, each repeated field in one run (unknown fields between its elements are
/// fine), and no maps, groups, extensions, required fields, message sets or well-known types.
///
/// Anything else, and any bytes the decoder would refuse, makes ``transcode(_:depth:)`` answer `false`
/// (what it wrote is then to be thrown away): the caller decodes a ``DynamicMessage`` and writes that, which
/// gives the same JSON, or the error. Values are read by ``BinaryDecoder``'s own scalar readers and written by
/// ``MessageJSONWriter``'s, and unset fields by its `writeUnset`, so both paths share every rule of the format.
struct BinaryJSONTranscoder {
    private var decoder: BinaryDecoder
    var writer: MessageJSONWriter

    init(_ bytes: UnsafeRawBufferPointer, decoding: BinaryDecodingOptions, options: JSONEncodingOptions) {
        decoder = BinaryDecoder(bytes, options: decoding)
        writer = MessageJSONWriter(options: options, appendingTo: [])
    }

    /// Writes the object for the fields up to the reader's limit; false when they are not in the shape above.
    mutating func transcode(_ layout: MessageLayout, depth: Int) -> Bool {
        guard depth <= writer.options.recursionLimit, depth <= decoder.options.recursionLimit,
            layout.wellKnownType == nil, !layout.isMessageSet, !layout.mayHaveExtensions,
            !layout.mayHaveRequiredFields
        else { return false }
        let fields = layout.fields
        let keys = writer.options.useProtoNames ? layout.protoKeys : layout.jsonKeys
        writer.out.beginObject()
        // Slots before `next` are written; `openList` is the repeated field whose array is open.
        var next = 0
        var openList = -1
        var oneofsSeen: UInt64 = 0
        do throws(CodecError) {
            while decoder.reader.position < decoder.reader.limit {
                let key = try decoder.reader.readKey()
                let wire = UInt8(truncatingIfNeeded: key & 7)
                guard wire != 4 else { return false }
                let slot = layout.slot(forNumber: Int32(bitPattern: key >> 3))
                guard slot >= 0 else {
                    try decoder.reader.skipValue(key: key, depthLeft: decoder.options.recursionLimit - depth)
                    continue
                }
                let info = fields[slot]
                if slot == openList {
                    guard try element(info, wire: wire, depth: depth) else { return false }
                    continue
                }
                guard slot >= next, !info.isMap else { return false }
                if openList >= 0 {
                    writer.out.endArray()
                    openList = -1
                }
                for unset in next..<slot { try writer.writeUnset(fields[unset], key: keys[unset], layout: layout) }
                next = slot + 1
                if info.oneof >= 0 {
                    guard info.oneof < 64, oneofsSeen & (1 << UInt64(info.oneof)) == 0 else { return false }
                    oneofsSeen |= 1 << UInt64(info.oneof)
                }
                if info.isRepeated {
                    writer.out.writeKey(quoted: keys[slot])
                    writer.out.beginArray()
                    openList = slot
                    guard try element(info, wire: wire, depth: depth) else { return false }
                } else {
                    guard try singular(info, wire: wire, key: keys[slot], layout: layout, depth: depth) else {
                        return false
                    }
                }
            }
            if openList >= 0 { writer.out.endArray() }
            for unset in next..<fields.count { try writer.writeUnset(fields[unset], key: keys[unset], layout: layout) }
        } catch {
            return false
        }
        writer.out.endObject()
        return true
    }

    /// One occurrence of a singular field: its member, or what an unset field writes when the value is the
    /// zero of a field without presence (the decoder leaves such a field unset).
    private mutating func singular(
        _ info: FieldInfo, wire: UInt8, key: [UInt8], layout: MessageLayout, depth: Int
    ) throws(CodecError) -> Bool {
        guard wire == info.type.wireType.rawValue else { return false }
        switch info.type {
        case .group:
            return false
        case .message:
            writer.out.writeKey(quoted: key)
            return try nested(info, depth: depth)
        case .enum:
            let number = Int32(truncatingIfNeeded: try decoder.reader.readVarint())
            if info.flags.contains(.closedEnum), info.enumType?.value(number: number) == nil { return false }
            if number == 0, !info.hasPresence {
                try writer.writeUnset(info, key: key, layout: layout)
            } else {
                writer.out.writeKey(quoted: key)
                writer.writeEnum(number, info.enumType)
            }
        case .bytes:
            let bytes = decoder.reader.take(try decoder.reader.readLength())
            if bytes.isEmpty, !info.hasPresence {
                try writer.writeUnset(info, key: key, layout: layout)
            } else {
                writer.out.writeKey(quoted: key)
                writer.out.writeBase64(UnsafeRawBufferPointer(bytes))
            }
        default:
            if info.hasPresence {
                let value = try decoder.readScalar(info)
                writer.out.writeKey(quoted: key)
                try writer.writeSingular(value, info, depth: depth)
            } else {
                var value: Value?
                try decoder.readImplicitScalar(info, into: &value)
                if let value {
                    writer.out.writeKey(quoted: key)
                    try writer.writeSingular(value, info, depth: depth)
                } else {
                    try writer.writeUnset(info, key: key, layout: layout)
                }
            }
        }
        return true
    }

    /// One occurrence of a repeated field into its open array: a packed run or one element.
    private mutating func element(_ info: FieldInfo, wire: UInt8, depth: Int) throws(CodecError) -> Bool {
        if wire == 2, info.flags.contains(.packable) {
            let length = try decoder.reader.readLength()
            // An empty run: whether it leaves the field set is the decoder's business.
            guard length > 0 else { return false }
            let limit = decoder.reader.limit
            decoder.reader.limit = decoder.reader.position + length
            while decoder.reader.position < decoder.reader.limit {
                guard try scalarElement(info, depth: depth) else { return false }
            }
            decoder.reader.limit = limit
            return true
        }
        guard wire == info.type.wireType.rawValue else { return false }
        switch info.type {
        case .group:
            return false
        case .message:
            writer.out.beginElement()
            return try nested(info, depth: depth)
        case .bytes:
            let bytes = decoder.reader.take(try decoder.reader.readLength())
            writer.out.beginElement()
            writer.out.writeBase64(UnsafeRawBufferPointer(bytes))
        default:
            return try scalarElement(info, depth: depth)
        }
        return true
    }

    /// One scalar or enum element; false for a number a closed enum does not define (the decoder keeps it
    /// with the unknown fields).
    private mutating func scalarElement(_ info: FieldInfo, depth: Int) throws(CodecError) -> Bool {
        let value = try decoder.readScalar(info)
        if case .enumNumber(let number) = value, info.flags.contains(.closedEnum),
            info.enumType?.value(number: number) == nil
        {
            return false
        }
        writer.out.beginElement()
        try writer.writeSingular(value, info, depth: depth)
        return true
    }

    /// A length-delimited message of the field's type, as an object.
    private mutating func nested(_ info: FieldInfo, depth: Int) throws(CodecError) -> Bool {
        guard let layout = info.messageLayout else { return false }
        let length = try decoder.reader.readLength()
        let limit = decoder.reader.limit
        decoder.reader.limit = decoder.reader.position + length
        guard transcode(layout, depth: depth + 1) else { return false }
        decoder.reader.limit = limit
        return true
    }
}

extension DynamicMessage {
    /// Appends the proto3 JSON of `bytes`, protobuf binary of `type`, to `json`: the same bytes as
    /// decoding them (``init(type:serializedBytes:options:)``) and appending that message's JSON
    /// (``appendJSONUTF8Bytes(to:options:)``), and the same errors. Messages in the usual shape (fields in
    /// order, each once, no maps or well-known types) are written in one pass without building the message.
    public static func appendJSONUTF8Bytes(
        transcoding bytes: UnsafeRawBufferPointer, of type: MessageType, to json: inout [UInt8],
        options: JSONEncodingOptions = .default, decoding: BinaryDecodingOptions = .default
    ) throws(CodecError) {
        let start = json.count
        var transcoder = BinaryJSONTranscoder(bytes, decoding: decoding, options: options)
        swap(&transcoder.writer.out.bytes, &json)
        let done = transcoder.transcode(type.layout, depth: 0)
        swap(&transcoder.writer.out.bytes, &json)
        if done { return }
        json.removeSubrange(start...)
        let message = try DynamicMessage(type: type, serializedBytes: bytes, options: decoding)
        try message.appendJSONUTF8Bytes(to: &json, options: options)
    }
}
