import NIOCore
import ProtoCodec
import ProtoSchema

/// Builds reflection requests and reads responses with the built-in schema, for either version.
struct ReflectionMessages {
    let requestType: MessageType
    let responseType: MessageType

    init(version: ReflectionVersion) {
        requestType = BuiltinProtos.type(version.requestType)
        responseType = BuiltinProtos.type(version.responseType)
    }

    /// What a request asks for.
    enum Request: Equatable {
        case listServices
        case fileContainingSymbol(String)
        case fileByFilename(String)
    }

    /// What a response says.
    enum Response {
        case services([String])
        case files([[UInt8]])
        case error(code: Int32, message: String)
        case other
    }

    func encode(_ request: Request, host: String = "") -> ByteBuffer {
        var message = requestType.makeMessage()
        if !host.isEmpty { message["host"] = .string(host) }
        switch request {
        case .listServices: message["list_services"] = .string("*")
        case .fileContainingSymbol(let symbol): message["file_containing_symbol"] = .string(symbol)
        case .fileByFilename(let name): message["file_by_filename"] = .string(name)
        }
        // A message built from known strings always encodes.
        return ByteBuffer(bytes: try! message.serializedBytes())
    }

    func decode(_ buffer: ByteBuffer) throws -> Response {
        let message = try buffer.withUnsafeReadableBytes { bytes in
            try DynamicMessage(type: responseType, serializedBytes: bytes)
        }
        if let list = message["list_services_response"]?.messageValue {
            let services = list["service"]?.listValue?.values.compactMap { $0.messageValue?["name"]?.stringValue }
            return .services(services ?? [])
        }
        if let files = message["file_descriptor_response"]?.messageValue {
            if case .bytes(let protos) = files["file_descriptor_proto"]?.listValue { return .files(protos) }
            return .files([])
        }
        if let error = message["error_response"]?.messageValue {
            var code: Int32 = 0
            if case .int32(let value) = error["error_code"] { code = value }
            return .error(code: code, message: error["error_message"]?.stringValue ?? "")
        }
        return .other
    }
}
