import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import Proxy
import Recording
import TestSupport
import Testing

/// Every TLS arrangement of the proxy with a grpcio client and server: the client sees what it sees
/// without the proxy, and the recording is the same whichever side is encrypted.
@Suite(.timeLimit(.minutes(3))) struct TLSModeTests {
    static let pki = Result { try TestCertificates() }
    static let scenarios = ["unary", "server_stream", "fail"]

    private func tlsServer() throws -> PeerProcess {
        let pki = try Self.pki.get()
        return try RecordPeer.startServer(["--tls-cert", pki.file("server.pem"), "--tls-key", pki.file("server.key")])
    }

    private func expectSameResults(
        direct: [JSONValue], proxied: [JSONValue], recording: Recording, tls: String
    ) {
        #expect(proxied == direct)
        #expect(recording.calls.count == Self.scenarios.count)
        #expect(recording.calls.first?.requests.first?.json?["text"] == "hello")
        #expect(recording.calls.map(\.end?.outcome) == Array(repeating: .ok, count: Self.scenarios.count))
        #expect(recording.header.source.details["tls"] == .string(tls))
    }

    @Test func plaintextClientsReachATLSServer() async throws {
        let pki = try Self.pki.get()
        let server = try tlsServer()
        defer { server.stop() }
        let direct = try RecordPeer.runClient(
            target: "127.0.0.1:\(server.port)", scenarios: Self.scenarios, extra: ["--ca", pki.file("ca.pem")])
        let harness = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.upstreamTLS = .defaults { $0.caCertificatesPEM = [pki.caPEM] }
        }
        let proxied = try RecordPeer.runClient(target: harness.target, scenarios: Self.scenarios)
        expectSameResults(direct: direct, proxied: proxied, recording: try await harness.finish(), tls: "upstream")
    }

    @Test func anInsecureUpstreamSkipsVerificationOnlyWhenAskedTo() async throws {
        let pki = try Self.pki.get()
        let server = try tlsServer()
        defer { server.stop() }
        let insecure = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.upstreamTLS = .defaults {
                $0.verification = .skip
                $0.trustSystemRoots = false
            }
        }
        let proxied = try RecordPeer.runClient(target: insecure.target, scenarios: ["unary"])
        #expect(proxied.first?["code"] == 0)
        _ = try await insecure.finish()

        // Trusting another CA, the handshake fails: the client gets UNAVAILABLE and the proxy says why.
        let distrusting = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.upstreamTLS = .defaults {
                $0.caCertificatesPEM = [pki.unrelatedCAPEM]
                $0.trustSystemRoots = false
            }
        }
        let connection = try await distrusting.connect()
        let response = await connection.unary(
            path: RecordPeer.path("Unary"), request: ByteBuffer(bytes: RecordPeer.note(#"{"text":"x"}"#)))
        #expect(response.result.status.code == .unavailable)
        await connection.close()
        let recording = try await distrusting.finish()
        #expect(
            distrusting.logs.all.contains {
                $0.contains("could not be reached: TLS handshake with 127.0.0.1:\(server.port) failed")
            }, "\(distrusting.logs.all)")
        if let end = recording.calls.first?.end {
            guard case .error = end.outcome else {
                Issue.record("expected an error end, got \(end)")
                return
            }
        }
    }

    /// The server's name is checked as the engine checks it (Go's way): a certificate that lists the address
    /// connected to but not the name asked for fails (swift-nio-ssl alone accepts it), and the log says which
    /// names it has, with the advice the proxy's runner gives; the name it lists records.
    @Test func anUpstreamServerNameTheCertificateDoesNotListFails() async throws {
        let pki = try Self.pki.get()
        let server = try tlsServer()
        defer { server.stop() }
        let wrong = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.upstreamTLS = .defaults {
                $0.caCertificatesPEM = [pki.caPEM]
                $0.serverName = "wrong.example"
            }
            $0.upstreamFailureAdvice = { $0 == .tlsHostnameMismatch ? "; use another name" : "" }
        }
        let connection = try await wrong.connect()
        let response = await connection.unary(
            path: RecordPeer.path("Unary"), request: ByteBuffer(bytes: RecordPeer.note(#"{"text":"x"}"#)))
        #expect(response.result.status.code == .unavailable)
        #expect(
            response.result.status.message.hasSuffix("x509: certificate is valid for localhost, not wrong.example"),
            "\(response.result.status.message)")
        await connection.close()
        _ = try await wrong.finish()
        #expect(
            wrong.logs.all.contains {
                $0.hasSuffix("not wrong.example; its calls get UNAVAILABLE; use another name")
            }, "\(wrong.logs.all)")

        let right = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.upstreamTLS = .defaults {
                $0.caCertificatesPEM = [pki.caPEM]
                $0.serverName = "localhost"
            }
        }
        let proxied = try RecordPeer.runClient(target: right.target, scenarios: ["unary"])
        #expect(proxied.first?["code"] == 0)
        let recording = try await right.finish()
        #expect(recording.calls.map(\.end?.outcome) == [.ok])
        #expect(right.logs.all.isEmpty, "\(right.logs.all)")
    }

    @Test func tlsClientsWithAGivenCertificate() async throws {
        let pki = try Self.pki.get()
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let direct = try RecordPeer.runClient(target: "127.0.0.1:\(server.port)", scenarios: Self.scenarios)
        let harness = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.downstreamTLS = ServerTLSConfiguration(
                certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM)
        }
        let proxied = try RecordPeer.runClient(
            target: harness.target, scenarios: Self.scenarios, extra: ["--ca", pki.file("ca.pem")])
        expectSameResults(direct: direct, proxied: proxied, recording: try await harness.finish(), tls: "downstream")
    }

    @Test func tlsClientsTrustingTheLocalCAAndATLSServer() async throws {
        let pki = try Self.pki.get()
        let caDirectory = try TemporaryDirectory(prefix: "reprise-ca")
        let directory = caDirectory.path("ca").path
        let ca = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        #expect(ca.wasCreated)
        let server = try tlsServer()
        defer { server.stop() }
        let direct = try RecordPeer.runClient(
            target: "127.0.0.1:\(server.port)", scenarios: Self.scenarios, extra: ["--ca", pki.file("ca.pem")])
        let harness = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.downstreamTLS = try! ca.serverTLS(names: ["localhost", "127.0.0.1"])
            $0.upstreamTLS = .defaults { $0.caCertificatesPEM = [pki.caPEM] }
        }
        let proxied = try RecordPeer.runClient(
            target: harness.target, scenarios: Self.scenarios, extra: ["--ca", ca.certificatePath])
        expectSameResults(direct: direct, proxied: proxied, recording: try await harness.finish(), tls: "both")
    }

    @Test func theLocalCAKeepsItsKeyPrivateAndIsReusedNextTime() throws {
        let caDirectory = try TemporaryDirectory(prefix: "reprise-ca")
        let directory = caDirectory.path("nested/ca").path
        let first = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        let keyMode = try FileManager.default.attributesOfItem(atPath: first.keyPath)[.posixPermissions] as? Int
        let directoryMode = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        #expect(directoryMode == 0o700)
        let second = try LocalCertificateAuthority.loadOrCreate(directory: directory)
        #expect(!second.wasCreated)
        #expect(second.certificatePEM == first.certificatePEM)
    }
}
