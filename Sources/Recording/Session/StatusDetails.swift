import GRPCProtocol
import ProtoCodec

/// `grpc-status-details-bin`: a serialized `google.rpc.Status` whose `details` are `Any`s, written to the
/// recording as JSON `Any`s (types the schema does not know keep their bytes in `raw`).
public enum StatusDetails {
    /// The `details` of a serialized status, as `(type URL, bytes)`; nil when the bytes are not a status.
    public static func anys(in bytes: [UInt8]) -> [(typeURL: String, value: [UInt8])]? {
        guard let status = try? RPCStatus(serializedBytes: bytes) else { return nil }
        return status.details.map { ($0.typeURL, $0.value) }
    }

    /// A detail as JSON: the message's proto3 JSON with `@type` first, or `{"@type", "raw"}`.
    public static func json(typeURL: String, value: [UInt8], registry: MessageRegistry?) -> JSONValue {
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
