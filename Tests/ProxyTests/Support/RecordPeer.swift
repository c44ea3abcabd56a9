import Foundation
import ProtoCodec
import ProtoSchema
import TestSupport

/// The grpcio server and client of `Peers/` (service recordtest.v1.Recorder) and its schema.
enum RecordPeer {
    static var peers: URL { Repository.root.appendingPathComponent("Tests/ProxyTests/Peers") }

    /// Starts the grpcio server (`--tls-cert`/`--tls-key` for TLS).
    static func startServer(_ arguments: [String] = []) throws -> PeerProcess {
        try PeerProcess([try Repository.python(), peers.appendingPathComponent("record_server.py").path] + arguments)
    }

    /// Runs the grpcio client's scenarios against `target` and returns one JSON object per scenario.
    static func runClient(target: String, scenarios: [String], extra: [String] = []) throws -> [JSONValue] {
        let output = try Subprocess.check(
            [try Repository.python(), peers.appendingPathComponent("record_client.py").path, "--target", target]
                + extra + scenarios, timeout: .seconds(120))
        return try output.stdoutText.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    static let pool: DescriptorPool = {
        try! DescriptorPool(
            importPaths: [Repository.fixture("protos/record").path], files: ["recordtest/v1/record_test.proto"])
    }()

    static let registry: MessageRegistry = { try! MessageRegistry(pool: pool) }()

    static let note: MessageType = { registry.type(named: "recordtest.v1.Note")! }()

    static func path(_ method: String) -> String { "/recordtest.v1.Recorder/\(method)" }

    /// A note's serialized bytes from JSON.
    static func note(_ json: String) -> [UInt8] {
        try! BinaryEncoding(DynamicMessage(type: note, jsonString: json)).bytes
    }
}
