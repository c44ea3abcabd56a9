import Foundation
import ProtoSchema

extension DynamicMessage {
    /// The message as proto3 JSON bytes (UTF-8). Defaults follow k6: unpopulated fields emitted,
    /// lowerCamelCase names, enum names, 64-bit integers as strings.
    public func jsonUTF8Bytes(options: JSONEncodingOptions = .default) throws(CodecError) -> [UInt8] {
        var writer = MessageJSONWriter(options: options)
        try writer.writeMessage(self, depth: 0)
        return writer.out.bytes
    }

    /// Appends the message as proto3 JSON UTF-8 bytes to `bytes`, a buffer a caller reuses from message to
    /// message (a recorder: no allocation per message once it has grown). On an error `bytes` may end with
    /// part of the message.
    public func appendJSONUTF8Bytes(to bytes: inout [UInt8], options: JSONEncodingOptions = .default)
        throws(CodecError)
    {
        var writer = MessageJSONWriter(options: options, appendingTo: [])
        swap(&writer.out.bytes, &bytes)
        defer { swap(&writer.out.bytes, &bytes) }
        try writer.writeMessage(self, depth: 0)
    }

    /// The message as proto3 JSON text.
    public func jsonString(options: JSONEncodingOptions = .default) throws(CodecError) -> String {
        String(decoding: try jsonUTF8Bytes(options: options), as: UTF8.self)
    }

    /// The message as a JSON tree (what the proto3 JSON text parses to).
    public func jsonValue(options: JSONEncodingOptions = .default) throws(CodecError) -> JSONValue {
        var compact = options
        compact.pretty = false
        return try JSONValue(parsing: try jsonUTF8Bytes(options: compact), maxDepth: .max)
    }

    /// Reads a message of `type` from a JSON tree.
    public init(type: MessageType, json: JSONValue, options: JSONDecodingOptions = .default) throws(CodecError) {
        let reader = MessageJSONReader(options: options)
        if json.isNull, type.layout.wellKnownType != .value {
            throw CodecError(.invalidValue, "expected an object for \(type.fullName), got null")
        }
        self = try reader.readMessage(json, layout: type.layout, depth: 0)
        if !options.allowPartial, type.layout.mayHaveRequiredFields {
            try checkRequiredFields()
        }
    }

    /// Reads a message of `type` from proto3 JSON text.
    public init(type: MessageType, jsonString: String, options: JSONDecodingOptions = .default) throws(CodecError) {
        try self.init(type: type, json: try JSONValue(parsing: jsonString), options: options)
    }

    /// Reads a message of `type` from proto3 JSON bytes (UTF-8).
    public init(type: MessageType, jsonUTF8Bytes bytes: UnsafeRawBufferPointer, options: JSONDecodingOptions = .default)
        throws(CodecError)
    {
        try self.init(type: type, json: try JSONValue(parsing: bytes), options: options)
    }

    /// Reads a message of `type` from proto3 JSON bytes (UTF-8).
    public init(type: MessageType, jsonUTF8Bytes bytes: [UInt8], options: JSONDecodingOptions = .default)
        throws(CodecError)
    {
        try self.init(type: type, json: try JSONValue(parsing: bytes), options: options)
    }

    /// Reads a message of `type` from proto3 JSON `Data` (UTF-8).
    public init(type: MessageType, jsonUTF8Data data: Data, options: JSONDecodingOptions = .default)
        throws(CodecError)
    {
        try self.init(type: type, json: try JSONValue(parsing: data), options: options)
    }
}
