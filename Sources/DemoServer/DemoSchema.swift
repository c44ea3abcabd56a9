import ProtoCodec
import ProtoSchema

/// The demo server's schema (demo.v1.Demo, hello.HelloService and google.rpc's error details), compiled
/// once per process from the texts in `DemoSchema+Sources.swift`.
public enum DemoSchema {
    /// The import names of the files, as in fixtures/protos/demo.
    public static let fileNames = ["demo/v1/demo.proto", "hello/hello.proto", "google/rpc/error_details.proto"]

    /// The file texts by import name, for writing them out (`reprise demo-server --write-protos`) or for
    /// loading them elsewhere.
    public static let sources: [String: String] = [
        fileNames[0]: demoSource, fileNames[1]: helloSource, fileNames[2]: errorDetailsSource,
    ]

    /// The compiled files and their dependencies.
    public static let pool: DescriptorPool = {
        // The texts are fixed and tested: a failure is a bug in Reprise.
        try! DescriptorPool(files: ProtoLoader(sources: sources).load(Array(fileNames.prefix(2))))
    }()

    /// The message types of `pool`.
    public static let registry = try! MessageRegistry(pool: pool)

    /// The services the demo server implements.
    public static let services = ["demo.v1.Demo", "hello.HelloService"]

    static func type(_ name: String) -> MessageType {
        guard let type = registry.type(named: name) else { preconditionFailure("\(name) is not in the demo schema") }
        return type
    }
}
