import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import ProtoSchema
import TestSupport

/// The grpcio implementation of the demo service (Tests/EngineTests/Peers/grpcio_demo_server.py).
enum GRPCIODemo {
    static func start(_ arguments: [String] = []) throws -> PeerProcess {
        let script = Repository.root.appendingPathComponent("Tests/EngineTests/Peers/grpcio_demo_server.py").path
        return try PeerProcess([try Repository.python(), script] + arguments)
    }
}

/// The demo service's own files, compiled by Reprise.
enum DemoProtos {
    static let root = Repository.fixture("protos/demo").path
    static func pool() throws -> DescriptorPool {
        try DescriptorPool(importPaths: [root], files: ["demo/v1/demo.proto", "hello/hello.proto"])
    }
}

/// Event loops for the tests' clients and servers.
let group = MultiThreadedEventLoopGroup.singleton

/// A plaintext connection to 127.0.0.1:`port`.
func connect(_ port: Int) async throws -> ClientConnection {
    try await ClientConnection.connect(host: "127.0.0.1", port: port, group: group)
}
