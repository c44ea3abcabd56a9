import ProtoCodec
import ProtoSchema
import SwiftProtobuf

/// The reflection (v1 and v1alpha), health and rich error model schemas, compiled once per process from
/// the texts in `BuiltinProtos+Sources.swift`.
enum BuiltinProtos {
    /// The import names of the built-in files, as grpc-go and googleapis name them.
    static let fileNames = [
        "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto",
        "grpc/health/v1/health.proto", "google/rpc/error_details.proto",
    ]

    /// The texts by import name.
    static let sources = [
        fileNames[0]: reflectionV1, fileNames[1]: reflectionV1Alpha, fileNames[2]: health, fileNames[3]: errorDetails,
    ]

    /// The compiled files (with the well-known types they import), in dependency order.
    static let files: [Google_Protobuf_FileDescriptorProto] = {
        // The texts are fixed and tested; a failure here is a bug in Reprise, not an input problem.
        try! ProtoLoader(sources: sources).load(fileNames)
    }()

    /// A pool of the files.
    static let pool = try! DescriptorPool(files: files)

    /// Their message types.
    static let registry = try! MessageRegistry(pool: pool)

    /// The message type `name`, which the built-in files define.
    static func type(_ name: String) -> MessageType {
        guard let type = registry.type(named: name) else { preconditionFailure("\(name) is not built in") }
        return type
    }
}

/// The standard gRPC protocol files Reprise carries compiled in: server reflection v1 and v1alpha, health
/// v1, and google.rpc's error details (ErrorInfo, BadRequest, RetryInfo...). The engine renders rich error
/// details with them when the user's schema lacks those types, as k6 does with its global registry.
public enum StandardProtos {
    /// The files' texts by import name (`google/rpc/error_details.proto`, ...).
    public static var sources: [String: String] { BuiltinProtos.sources }
    /// The compiled files, with the well-known types they import.
    public static var pool: DescriptorPool { BuiltinProtos.pool }
    /// Their message types.
    public static var registry: MessageRegistry { BuiltinProtos.registry }
}

extension StandardProtos {
    /// The services of the standard protocols: health, and server reflection v1 and v1alpha.
    public static let serviceNames = [
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
    ]

    /// The files (with their imports) that define the method at `path` (`/pkg.Service/Method` or
    /// `pkg.Service/Method`) when it is a health or reflection method, so a call to it needs neither the
    /// server's reflection nor the user's `.proto` files; nil for any other method.
    public static func files(definingMethod path: String) -> [Google_Protobuf_FileDescriptorProto]? {
        guard let method = pool.method(path: path), serviceNames.contains(method.service.fullName) else { return nil }
        return pool.fileDescriptorSet(files: [method.service.file.name]).file
    }
}
