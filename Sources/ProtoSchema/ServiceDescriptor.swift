import SwiftProtobuf

/// A gRPC service and its methods.
public final class ServiceDescriptor: @unchecked Sendable {
    public let proto: Google_Protobuf_ServiceDescriptorProto
    public let fullName: String
    public var name: String { proto.name }
    public unowned let file: FileDescriptor
    public internal(set) var methods: [MethodDescriptor] = []

    init(proto: Google_Protobuf_ServiceDescriptorProto, fullName: String, file: FileDescriptor) {
        self.proto = proto
        self.fullName = fullName
        self.file = file
    }
}

/// One RPC method, with its request and response types resolved.
public final class MethodDescriptor: @unchecked Sendable {
    public let proto: Google_Protobuf_MethodDescriptorProto
    public var name: String { proto.name }
    public unowned let service: ServiceDescriptor
    /// The HTTP/2 `:path`: `/pkg.Service/Method`.
    public let path: String
    public internal(set) unowned var inputType: MessageDescriptor!
    public internal(set) unowned var outputType: MessageDescriptor!
    public var isClientStreaming: Bool { proto.clientStreaming }
    public var isServerStreaming: Bool { proto.serverStreaming }

    init(proto: Google_Protobuf_MethodDescriptorProto, service: ServiceDescriptor) {
        self.proto = proto
        self.service = service
        self.path = "/\(service.fullName)/\(proto.name)"
    }

    /// The method in the shape k6's `load` returns.
    public var info: MethodInfo {
        MethodInfo(
            package: service.file.package, service: service.name, fullMethod: path, name: name,
            isClientStream: isClientStreaming, isServerStream: isServerStreaming)
    }
}

/// A method as k6's `Client.load` lists it (`{package, service, full_method, name, is_client_stream,
/// is_server_stream}`).
public struct MethodInfo: Hashable, Sendable, Codable {
    public var package: String
    /// The service's short name.
    public var service: String
    /// `/pkg.Service/Method`.
    public var fullMethod: String
    public var name: String
    public var isClientStream: Bool
    public var isServerStream: Bool

    public init(
        package: String, service: String, fullMethod: String, name: String, isClientStream: Bool,
        isServerStream: Bool
    ) {
        self.package = package
        self.service = service
        self.fullMethod = fullMethod
        self.name = name
        self.isClientStream = isClientStream
        self.isServerStream = isServerStream
    }

    enum CodingKeys: String, CodingKey {
        case package, service, name
        case fullMethod = "full_method"
        case isClientStream = "is_client_stream"
        case isServerStream = "is_server_stream"
    }
}
