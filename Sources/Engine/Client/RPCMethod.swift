import ProtoCodec
import ProtoSchema

/// One method a client can call: its path, kind and message types, resolved once.
public final class RPCMethod: Sendable {
    /// The HTTP/2 path, `/pkg.Service/Method`.
    public let path: String
    /// The full service name, `pkg.Service` (k6's `service` tag).
    public let serviceName: String
    /// The method name, `Method` (k6's `method` tag).
    public let name: String
    /// The client sends a stream of messages.
    public let isClientStreaming: Bool
    /// The server answers with a stream of messages.
    public let isServerStreaming: Bool
    /// The request message type.
    public let inputType: MessageType
    /// The response message type.
    public let outputType: MessageType
    /// The method's descriptor.
    public let descriptor: MethodDescriptor

    init(descriptor: MethodDescriptor, registry: MessageRegistry) throws {
        guard let input = registry.type(for: descriptor.inputType),
            let output = registry.type(for: descriptor.outputType)
        else {
            throw EngineError(.schema, "the message types of \(descriptor.path) are not in the loaded schema")
        }
        self.descriptor = descriptor
        path = descriptor.path
        serviceName = descriptor.service.fullName
        name = descriptor.name
        isClientStreaming = descriptor.isClientStreaming
        isServerStreaming = descriptor.isServerStreaming
        inputType = input
        outputType = output
    }
}
