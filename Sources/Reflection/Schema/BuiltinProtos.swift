import ProtoCodec
import ProtoSchema
import SwiftProtobuf

/// The reflection (v1 and v1alpha) and health schemas, compiled once per process from the texts in
/// `BuiltinProtos+Sources.swift`.
enum BuiltinProtos {
    /// The import names of the built-in files, as grpc-go names them.
    static let fileNames = [
        "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto",
        "grpc/health/v1/health.proto",
    ]

    /// The compiled files, in dependency order.
    static let files: [Google_Protobuf_FileDescriptorProto] = {
        let loader = ProtoLoader(sources: [
            fileNames[0]: reflectionV1, fileNames[1]: reflectionV1Alpha, fileNames[2]: health,
        ])
        // The texts are fixed and tested; a failure here is a bug in Reprise, not an input problem.
        return try! loader.load(fileNames)
    }()

    /// A pool of the three files.
    static let pool = try! DescriptorPool(files: files)

    /// Their message types.
    static let registry = try! MessageRegistry(pool: pool)

    /// The message type `name`, which the built-in files define.
    static func type(_ name: String) -> MessageType {
        guard let type = registry.type(named: name) else { preconditionFailure("\(name) is not built in") }
        return type
    }
}
