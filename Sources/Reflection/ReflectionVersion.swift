/// A version of the gRPC server reflection protocol. v1 is current; v1alpha is what older servers (and
/// grpcio before 1.62) speak. Both have the same messages under different package names.
public enum ReflectionVersion: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `grpc.reflection.v1.ServerReflection`.
    case v1
    /// `grpc.reflection.v1alpha.ServerReflection`.
    case v1alpha

    /// The service's full name, e.g. `grpc.reflection.v1.ServerReflection`.
    public var serviceName: String { "grpc.reflection.\(rawValue).ServerReflection" }

    /// The method path of the one reflection RPC (a bidirectional stream).
    public var path: String { "/\(serviceName)/ServerReflectionInfo" }

    /// The file that defines the protocol, as grpc-go names it.
    public var fileName: String { "grpc/reflection/\(rawValue)/reflection.proto" }

    public var description: String { serviceName }

    var package: String { "grpc.reflection.\(rawValue)" }
    var requestType: String { "\(package).ServerReflectionRequest" }
    var responseType: String { "\(package).ServerReflectionResponse" }
}
