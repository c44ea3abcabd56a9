import GRPCProtocol
import GRPCWire
import ProtoCodec

extension Response {
    /// The response as k6 scripts see it, in the order `JSON.stringify` writes it:
    /// `{"message":…,"error":…,"headers":…,"trailers":…,"status":0}`.
    public var k6JSON: JSONValue {
        var object = JSONObject()
        object["message"] = message ?? .null
        object["error"] = error?.k6JSON ?? .null
        object["headers"] = headers.k6JSON
        object["trailers"] = trailers.k6JSON
        object["status"] = .number(JSONNumber(status.rawValue))
        return .object(object)
    }
}

extension ResponseError {
    /// `{"code":…,"message":…,"details":[…]}`, protojson's rendering of `google.rpc.Status`.
    public var k6JSON: JSONValue {
        .object(["code": .number(JSONNumber(code)), "message": .string(message), "details": .array(details)])
    }
}

extension Metadata {
    /// `{"key": ["value", …]}` in first-seen key order; binary values as the raw bytes read as UTF-8, as
    /// k6 hands `-bin` values to scripts.
    public var k6JSON: JSONValue {
        var object = JSONObject()
        for key in keys {
            object[key] = .array(self[key].map { .string($0.text) })
        }
        return .object(object)
    }
}
