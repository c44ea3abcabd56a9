import Foundation

extension JSONValue {
    /// The value as JSON text: compact, or with `pretty` two-space indented with one member per line.
    public func jsonString(pretty: Bool = false) -> String {
        String(decoding: jsonUTF8(pretty: pretty), as: UTF8.self)
    }

    /// The value as UTF-8 JSON bytes.
    public func jsonUTF8(pretty: Bool = false) -> [UInt8] {
        var writer = JSONWriter(pretty: pretty, capacity: 256)
        writer.write(self)
        return writer.bytes
    }

    /// The value as UTF-8 JSON `Data`.
    public func jsonData(pretty: Bool = false) -> Data { Data(jsonUTF8(pretty: pretty)) }

    /// Parses JSON text. Errors carry the line and column (``CodecError/Code/jsonSyntax``).
    public init(parsing text: String, maxDepth: Int = 1000) throws(CodecError) {
        var copy = text
        let result: Result<JSONValue, CodecError> = copy.withUTF8 { buffer in
            var parser = JSONParser(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth)
            do throws(CodecError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// Parses a stream of JSON values one after another, separated by optional whitespace (as grpcurl
    /// reads streaming requests and jq reads its input): `{"a":1} {"a":2}` is two values, and empty input
    /// none.
    public static func sequence(parsing text: String, maxDepth: Int = 1000) throws(CodecError) -> [JSONValue] {
        var copy = text
        let result: Result<[JSONValue], CodecError> = copy.withUTF8 { buffer in
            var parser = JSONParser(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth)
            do throws(CodecError) {
                return .success(try parser.parseSequence())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses UTF-8 JSON bytes.
    public init(parsing bytes: UnsafeRawBufferPointer, maxDepth: Int = 1000) throws(CodecError) {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        self = try parser.parseDocument()
    }

    /// Parses UTF-8 JSON bytes.
    public init(parsing bytes: [UInt8], maxDepth: Int = 1000) throws(CodecError) {
        let result: Result<JSONValue, CodecError> = bytes.withUnsafeBytes { buffer in
            do throws(CodecError) {
                return .success(try JSONValue(parsing: buffer, maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// Parses UTF-8 JSON `Data`.
    public init(parsing data: Data, maxDepth: Int = 1000) throws(CodecError) {
        let result: Result<JSONValue, CodecError> = data.withUnsafeBytes { buffer in
            do throws(CodecError) {
                return .success(try JSONValue(parsing: buffer, maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}

extension JSONWriter {
    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let v): writeBool(v)
        case .number(let n):
            n.text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
                ?? bytes.append(contentsOf: Array(n.text.utf8))
        case .string(let s): writeString(s)
        case .array(let values):
            beginArray()
            for element in values {
                beginElement()
                write(element)
            }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                writeKey(member.key)
                write(member.value)
            }
            endObject()
        }
    }
}
