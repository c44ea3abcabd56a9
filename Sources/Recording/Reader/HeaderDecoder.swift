import Foundation
import GRPCProtocol
import ProtoCodec
import SwiftProtobuf

/// Reads and checks the header line.
enum HeaderDecoder {
    static func header(_ object: JSONObject) throws(LineProblem) -> RecordingHeader {
        guard case .string("header") = object["type"] else {
            throw LineProblem(
                "the first line must be the recording header ({\"type\":\"header\",\"format\":\"\(RecordingFormat.name)\",...}); "
                    + "is this a reprise recording?")
        }
        let fields = LineFields(object: object, type: "header")
        let format = try fields.string("format")
        guard format == RecordingFormat.name else {
            throw LineProblem("header line: \"format\" is \"\(format)\", not \"\(RecordingFormat.name)\"")
        }
        let version = try fields.int("version")
        guard version == Int64(RecordingFormat.version) else {
            throw LineProblem(
                "recording format version \(version) is not supported: this reprise reads version "
                    + "\(RecordingFormat.version); use the reprise that wrote it, or a newer one")
        }
        let createdText = try fields.string("created")
        guard let created = RFC3339.date(from: createdText) else {
            throw LineProblem(
                "header line: \"created\" must be an RFC 3339 time such as 2026-01-02T03:04:05.678Z, got \"\(createdText)\""
            )
        }
        guard case .object(var sourceObject) = try fields.value("source") else {
            throw LineProblem("header line: \"source\" must be an object with a \"kind\"")
        }
        guard let kindIndex = sourceObject.members.firstIndex(where: { $0.key == "kind" }),
            case .string(let kind) = sourceObject.members[kindIndex].value
        else { throw LineProblem("header line: \"source\" needs a \"kind\" string (proxy or capture)") }
        sourceObject.members.remove(at: kindIndex)
        let schema = try schema(object["schema"])
        var redaction = RedactionPolicy.none
        if let value = object["redaction"], !value.isNull {
            guard case .object(let redactionObject) = value else {
                throw LineProblem("header line: \"redaction\" must be an object with \"metadata\" and \"fields\"")
            }
            let redactionFields = LineFields(object: redactionObject, type: "header redaction")
            redaction = RedactionPolicy(
                metadataKeys: try redactionFields.optionalStrings("metadata") ?? [],
                fieldPaths: try redactionFields.optionalStrings("fields") ?? [])
        }
        var header = RecordingHeader(
            created: created, source: RecordingSource(kind: kind, details: sourceObject), schema: schema,
            redaction: redaction)
        header.version = Int(version)
        return header
    }

    private static func schema(_ value: JSONValue?) throws(LineProblem) -> EmbeddedSchema? {
        guard let value, !value.isNull else { return nil }
        guard case .object(let object) = value else {
            throw LineProblem("header line: \"schema\" must be an object")
        }
        let fields = LineFields(object: object, type: "header schema")
        let bytes = try fields.base64("descriptor_set")
        let files = try fields.optionalStrings("files") ?? []
        let fingerprint = try fields.string("fingerprint")
        let schema = EmbeddedSchema(descriptorSet: bytes, files: files)
        guard schema.fingerprint == fingerprint else {
            throw LineProblem(
                "the embedded schema's fingerprint \(fingerprint) does not match its descriptor set "
                    + "(\(schema.fingerprint)): the header was edited or damaged")
        }
        do {
            _ = try Google_Protobuf_FileDescriptorSet(serializedBytes: bytes)
        } catch {
            throw LineProblem("the embedded descriptor set is not a FileDescriptorSet: \(error)")
        }
        return schema
    }
}
