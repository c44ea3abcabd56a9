import ProtoCodec

/// `grpc-status-details-bin`: a serialized `google.rpc.Status` whose `details` are `Any`s, written to the
/// recording as JSON `Any`s (types the schema does not know keep their bytes in `raw`).
enum StatusDetails {
    /// The `details` of a serialized status, as `(type URL, bytes)`; nil when the bytes are not a status.
    static func anys(in bytes: [UInt8]) -> [(typeURL: String, value: [UInt8])]? {
        var reader = WireFields(bytes[...])
        var details: [(String, [UInt8])] = []
        while let field = reader.next() {
            guard let field else { return nil }
            guard field.number == 3, case .bytes(let any) = field.value else { continue }
            var anyReader = WireFields(any)
            var typeURL = ""
            var value: [UInt8] = []
            while let inner = anyReader.next() {
                guard let inner else { return nil }
                if inner.number == 1, case .bytes(let text) = inner.value {
                    typeURL = String(decoding: text, as: UTF8.self)
                }
                if inner.number == 2, case .bytes(let payload) = inner.value { value = Array(payload) }
            }
            details.append((typeURL, value))
        }
        return details
    }

    /// A detail as JSON: the message's proto3 JSON with `@type` first, or `{"@type", "raw"}`.
    static func json(typeURL: String, value: [UInt8], registry: MessageRegistry?) -> JSONValue {
        if let type = registry?.type(forTypeURL: typeURL),
            let message = try? DynamicMessage(type: type, serializedBytes: value),
            let json = try? message.jsonValue()
        {
            var object = JSONObject()
            object.members.append(JSONObject.Member(key: "@type", value: .string(typeURL)))
            if case .object(let fields) = json {
                object.members += fields.members
            } else {
                // Well-known types with a JSON form of their own nest it under "value", as Any does.
                object.members.append(JSONObject.Member(key: "value", value: json))
            }
            return .object(object)
        }
        return ["@type": .string(typeURL), "raw": .string(RecordingBase64.encode(value))]
    }
}

/// A minimal protobuf field reader for the three-field messages above.
struct WireFields {
    enum FieldValue {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// The next field; `.some(nil)` when the bytes are malformed, nil at the end.
    mutating func next() -> (number: UInt64, value: FieldValue)?? {
        guard !bytes.isEmpty else { return nil }
        guard let key = varint(), key >> 3 > 0 else { return .some(nil) }
        switch key & 7 {
        case 0:
            guard let value = varint() else { return .some(nil) }
            return (key >> 3, .varint(value))
        case 1, 5:
            let size = key & 7 == 1 ? 8 : 4
            guard bytes.count >= size else { return .some(nil) }
            bytes = bytes.dropFirst(size)
            return (key >> 3, .fixed)
        case 2:
            guard let length = varint(), length <= UInt64(bytes.count) else { return .some(nil) }
            let value = bytes.prefix(Int(length))
            bytes = bytes.dropFirst(Int(length))
            return (key >> 3, .bytes(value))
        default:
            return .some(nil)
        }
    }

    private mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.first, shift < 64 {
            bytes = bytes.dropFirst()
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }
}
