import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import ProtoSchema
import Reflection

/// Turns response bytes and status details into JSON the way k6 does (protojson with `EmitUnpopulated`
/// and the client's types as resolver).
struct ResponseRenderer: Sendable {
    let registry: MessageRegistry

    /// The message in `buffer` as k6's JSON.
    func message(_ buffer: ByteBuffer, as type: MessageType) throws(CodecError) -> JSONValue {
        let message = try buffer.withUnsafeReadableBytes { (bytes) throws(CodecError) in
            try DynamicMessage(type: type, serializedBytes: bytes)
        }
        return try message.jsonValue()
    }

    /// The empty message of `type` as k6's JSON (what k6 shows as `message` on a failed call).
    func emptyMessage(_ type: MessageType) -> JSONValue {
        (try? type.makeMessage().jsonValue()) ?? .object([:])
    }

    /// `google.rpc.Status` details as protojson `Any`s: `{"@type": url, ...fields}`, or for well-known
    /// types `{"@type": url, "value": ...}`.
    func details(_ details: [RPCStatus.Detail]) -> [JSONValue] {
        details.map { detail in
            guard let (type, message) = decode(detail) else { return undecodable(detail) }
            guard let json = try? message.jsonValue() else { return undecodable(detail) }
            var object = JSONObject()
            object["@type"] = .string(detail.typeURL)
            if type.descriptor.wellKnownType == nil, case .object(let fields) = json {
                object.members += fields.members
            } else {
                object["value"] = json
            }
            return .object(object)
        }
    }

    /// Details the way k6's stream `error` events show them: the Go structs of the detail messages, so
    /// proto field names, every field present, and no `@type`.
    func streamDetails(_ details: [RPCStatus.Detail]) -> [JSONValue] {
        let options = JSONEncodingOptions.with { $0.useProtoNames = true }
        return details.map { detail in
            guard let (_, message) = decode(detail), let json = try? message.jsonValue(options: options) else {
                return undecodable(detail)
            }
            return json
        }
    }

    private func decode(_ detail: RPCStatus.Detail) -> (MessageType, DynamicMessage)? {
        guard
            let type = registry.type(forTypeURL: detail.typeURL)
                ?? StandardProtos.registry.type(forTypeURL: detail.typeURL),
            let message = try? DynamicMessage(type: type, serializedBytes: detail.value)
        else { return nil }
        return (type, message)
    }

    private func undecodable(_ detail: RPCStatus.Detail) -> JSONValue {
        .object(["@type": .string(detail.typeURL), "value": .string(Base64.encode(detail.value))])
    }
}
