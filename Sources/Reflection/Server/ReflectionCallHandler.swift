import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import ProtoSchema
import SwiftProtobuf

/// One `ServerReflectionInfo` stream: answers each request as it arrives, remembering which files it has
/// already sent so dependencies go out once.
final class ReflectionCallHandler: ServerCallHandler {
    private let service: ReflectionService
    private let messages: ReflectionMessageTypes
    private var sentFiles: Set<String> = []

    init(service: ReflectionService, messages: ReflectionMessageTypes) {
        self.service = service
        self.messages = messages
    }

    func received(_ message: ByteBuffer, call: ServerCall) {
        let request: DynamicMessage
        do {
            request = try message.withUnsafeReadableBytes {
                try DynamicMessage(type: messages.request, serializedBytes: $0)
            }
        } catch {
            call.finish(GRPCStatus(code: .invalidArgument, message: "malformed ServerReflectionRequest: \(error)"))
            return
        }
        var response = messages.response.makeMessage()
        if let host = request["host"] { response["valid_host"] = host }
        response["original_request"] = .message(request)
        answer(request, into: &response)
        do {
            call.send(ByteBuffer(bytes: try response.serializedBytes()))
        } catch {
            call.finish(GRPCStatus(code: .internalError, message: "cannot encode the reflection response: \(error)"))
        }
    }

    func receivedEnd(call: ServerCall) {
        call.finish()
    }

    private func answer(_ request: DynamicMessage, into response: inout DynamicMessage) {
        if request["list_services"] != nil {
            var list = messages.listServiceResponse.makeMessage()
            list["service"] = .list(
                .messages(
                    service.services.map { name in
                        var entry = messages.serviceResponse.makeMessage()
                        entry["name"] = .string(name)
                        return entry
                    }))
            response["list_services_response"] = .message(list)
        } else if let name = request["file_by_filename"]?.stringValue {
            guard let file = service.index.files[name] else {
                return fail(&response, .notFound, "unknown file: \(name)")
            }
            respond(with: file, into: &response)
        } else if let symbol = request["file_containing_symbol"]?.stringValue {
            guard let file = service.index.symbols[symbol] else {
                return fail(&response, .notFound, "unknown symbol: \(symbol)")
            }
            respond(with: file, into: &response)
        } else if let extensionRequest = request["file_containing_extension"]?.messageValue {
            let type = extensionRequest["containing_type"]?.stringValue ?? ""
            var number: Int32?
            if case .int32(let value) = extensionRequest["extension_number"] { number = value }
            guard let number, let file = service.index.extensions[type]?[number] else {
                return fail(&response, .notFound, "unknown extension \(number.map(String.init) ?? "0") of \(type)")
            }
            respond(with: file, into: &response)
        } else if let type = request["all_extension_numbers_of_type"]?.stringValue {
            guard service.index.symbols[type] != nil else {
                return fail(&response, .notFound, "unknown type: \(type)")
            }
            var numbers = messages.extensionNumberResponse.makeMessage()
            numbers["base_type_name"] = .string(type)
            numbers["extension_number"] = .list(.int32s((service.index.extensions[type] ?? [:]).keys.sorted()))
            response["all_extension_numbers_response"] = .message(numbers)
        } else {
            fail(&response, .invalidArgument, "invalid MessageRequest: the request names no known query")
        }
    }

    /// The file and each of its transitive dependencies not sent on this stream before (grpc-go's rule).
    private func respond(with file: ProtoSchema.FileDescriptor, into response: inout DynamicMessage) {
        var encoded: [[UInt8]] = []
        var queue: [ProtoSchema.FileDescriptor] = [file]
        var visited: Set<String> = []
        while !queue.isEmpty {
            let current = queue.removeFirst()
            guard visited.insert(current.name).inserted, !service.index.hidden.contains(current.name) else { continue }
            if encoded.isEmpty || !sentFiles.contains(current.name) {
                sentFiles.insert(current.name)
                // Descriptor messages from a linked pool always serialize.
                let bytes: [UInt8] = try! current.proto.serializedBytes()
                encoded.append(bytes)
            }
            queue += current.dependencies
        }
        var files = messages.fileDescriptorResponse.makeMessage()
        files["file_descriptor_proto"] = .list(.bytes(encoded))
        response["file_descriptor_response"] = .message(files)
    }

    private func fail(_ response: inout DynamicMessage, _ code: StatusCode, _ message: String) {
        var error = messages.errorResponse.makeMessage()
        error["error_code"] = .int32(Int32(code.rawValue))
        error["error_message"] = .string(message)
        response["error_response"] = .message(error)
    }
}
