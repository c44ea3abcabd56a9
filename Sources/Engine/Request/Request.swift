import NIOCore
import ProtoCodec

/// A request message in any of the forms the engine takes.
///
/// k6 scripts give JSON (`.json` text or a `.value` tree, read with protojson's rules: unknown fields are
/// errors, both field-name spellings accepted). Replays give the recorded protobuf bytes (`.protobuf` or
/// `.buffer`), which go out unchanged: no JSON on that path (k6 cannot send raw bytes, issue #5725).
public enum Request: Sendable {
    /// Proto3 JSON text.
    case json(String)
    /// A JSON tree.
    case value(JSONValue)
    /// The message, already encoded as protobuf binary.
    case protobuf([UInt8])
    /// The message, already encoded as protobuf binary, in a buffer (sent without a copy).
    case buffer(ByteBuffer)
    /// A dynamic message of the method's input type.
    case message(DynamicMessage)
}

extension Request {
    /// The protobuf bytes of this request for `type`, with k6's error texts.
    func encoded(as type: MessageType, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(EngineError)
        -> ByteBuffer
    {
        let message: DynamicMessage
        switch self {
        case .buffer(let buffer):
            return buffer
        case .protobuf(let bytes):
            return allocator.buffer(bytes: bytes)
        case .message(let dynamic):
            guard dynamic.type == type else {
                throw EngineError(
                    .invalidRequest,
                    "unable to serialise request object to protocol buffer: the message is a \(dynamic.type.fullName), "
                        + "the method takes \(type.fullName)")
            }
            message = dynamic
        case .json(let text):
            let tree: JSONValue
            do {
                tree = try JSONValue(parsing: text)
            } catch {
                throw EngineError(.invalidRequest, "unable to serialise request object: invalid JSON: \(error)")
            }
            message = try Self.decode(tree, as: type)
        case .value(let tree):
            message = try Self.decode(tree, as: type)
        }
        do {
            let encoding = try BinaryEncoding(message)
            var buffer = allocator.buffer(capacity: encoding.count)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encoding.count) { encoding.write(into: $0) }
            return buffer
        } catch {
            throw EngineError(.invalidRequest, "unable to serialise request object to protocol buffer: \(error)")
        }
    }

    private static func decode(_ tree: JSONValue, as type: MessageType) throws(EngineError) -> DynamicMessage {
        do {
            return try DynamicMessage(type: type, json: tree)
        } catch {
            throw EngineError(.invalidRequest, "unable to serialise request object to protocol buffer: \(error)")
        }
    }
}
