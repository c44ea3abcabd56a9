import DemoServer
import Engine
import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// The two implementations of the demo service the engine is tested against: grpcio's (Python, C core,
/// generated from fixtures/protos/demo) and Reprise's own `DemoServer`.
enum DemoPeer: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case grpcio
    case reprise

    var testDescription: String { rawValue }

    /// How the server secures its port.
    enum Security: Sendable {
        case plaintext
        case tls
        case mutualTLS
    }

    /// Starts the peer; stop it with `RunningPeer.stop()`.
    func start(_ security: Security = .plaintext, pki: TestCertificates? = nil, arguments: [String] = [])
        async throws -> RunningPeer
    {
        switch self {
        case .grpcio:
            var extra = arguments
            if security != .plaintext, let pki {
                extra += ["--tls-cert", pki.file("server.pem"), "--tls-key", pki.file("server.key")]
                if security == .mutualTLS { extra += ["--client-ca", pki.file("ca.pem")] }
            }
            let script = Repository.root.appendingPathComponent("Tests/EngineTests/Peers/grpcio_demo_server.py").path
            let process = try PeerProcess([try Repository.python(), script] + extra)
            return RunningPeer(port: process.port, process: process, server: nil)
        case .reprise:
            var tls: ServerTLSConfiguration?
            if security != .plaintext, let pki {
                var configuration = ServerTLSConfiguration(
                    certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM)
                if security == .mutualTLS {
                    configuration.clientCertificates = .required
                    configuration.trustedCAsPEM = [pki.caPEM]
                }
                tls = configuration
            }
            let server = try await DemoServer.start(tls: tls, group: MultiThreadedEventLoopGroup.singleton)
            return RunningPeer(port: server.port, process: nil, server: server)
        }
    }
}

/// A started demo peer.
final class RunningPeer: Sendable {
    let port: Int
    let process: PeerProcess?
    let server: DemoServer?

    init(port: Int, process: PeerProcess?, server: DemoServer?) {
        self.port = port
        self.process = process
        self.server = server
    }

    var address: String { "127.0.0.1:\(port)" }

    func stop() async {
        process?.stop()
        await server?.shutdown(gracePeriod: .milliseconds(200))
    }
}

/// The demo's `.proto` files, as a k6 script would load them.
enum DemoFiles {
    static let importPath = Repository.fixture("protos/demo").path
    static let names = ["demo/v1/demo.proto", "hello/hello.proto"]
}

/// A client with the demo schema loaded, connected to `peer` in plaintext.
func demoClient(_ peer: RunningPeer, configuration: Client.Configuration = .init()) async throws -> Client {
    let client = Client(configuration: configuration)
    try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
    try await client.connect(peer.address, params: .with { $0.plaintext = true })
    return client
}
