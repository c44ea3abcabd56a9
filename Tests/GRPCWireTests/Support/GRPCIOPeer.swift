import Foundation
import TestSupport

/// The grpcio server of `Peers/grpcio_server.py`, started for a test (or shared by a suite).
enum GRPCIOPeer {
    static var script: String {
        Repository.root.appendingPathComponent("Tests/GRPCWireTests/Peers/grpcio_server.py").path
    }

    /// Starts a server with extra command-line options (`--max-concurrent-streams 2`, TLS files...).
    static func start(_ arguments: [String] = []) throws -> PeerProcess {
        try PeerProcess([try Repository.python(), script] + arguments)
    }

    /// The fully qualified path of a method of the peer's `test.Peer` service.
    static func path(_ method: String) -> String { "/test.Peer/\(method)" }
}
