import DemoServer
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

    /// A plaintext proxy in front of a server that expects TLS: the server's TLS alert is not relayed as if
    /// it were HTTP/2 (the client used to see a connection broken before SETTINGS, and the log said nothing).
    /// The proxy answers as for a server it cannot reach: UNAVAILABLE with the reason, the calls recorded
    /// with it, and the advice in the log. A client that sends its call before any answer (the raw one
    /// here) is answered from the bytes the proxy kept.
    @Test func aPlaintextUpstreamThatAnswersInTLSIsNamedAsSuch() async throws {
        let pki = try Self.pki.get()
        let server = try await DemoServer.start(
            tls: ServerTLSConfiguration(certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM),
            group: testGroup)
        let harness = try await ProxyHarness.start(upstreamPort: server.port) {
            $0.upstreamFailureAdvice = { $0 == .plaintextClosedDuringSetup ? "; add TLS" : "" }
        }
        let reason =
            "the server 127.0.0.1:\(server.port) could not be reached: it answered in TLS, so it expects TLS there"

        let raw = try await RawConnection.connect(port: harness.port)
        try await raw.send(
            Self.wholeUnaryCall(path: RecordPeer.path("Fail"), message: RecordPeer.note(#"{"text":"a"}"#)))
        // The proxy answers and keeps the connection, as a server would: read until the answer is in.
        let bytes = try await raw.received { RawFrame.all(in: $0).contains { $0.type == 1 && $0.stream == 1 } }
        try? await raw.channel.close()
        let frames = RawFrame.all(in: bytes)
        #expect(
            frames.first?.type == 4, "the proxy's own SETTINGS first, not the server's TLS alert: \(bytes.prefix(16))")
        #expect(frames.contains { $0.type == 1 && $0.stream == 1 }, "an answer to stream 1")

        let connection = try await harness.connect()
        let response = await connection.unary(
            path: RecordPeer.path("Unary"), request: ByteBuffer(bytes: RecordPeer.note(#"{"text":"b"}"#)))
        #expect(response.result.status.code == .unavailable)
        #expect(response.result.status.message.hasSuffix(reason), "\(response.result.status.message)")
        await connection.close()
        let recording = try await harness.finish()
        await server.shutdown()
        #expect(recording.calls.map(\.start.method) == [RecordPeer.path("Fail"), RecordPeer.path("Unary")])
        #expect(recording.calls.map { $0.requests.first?.json?["text"] } == ["a", "b"])
        for call in recording.calls {
            #expect(call.end?.outcome == .error(reason), "\(String(describing: call.end))")
        }
        #expect(
            harness.logs.all.contains { $0.hasSuffix("\(reason); its calls get UNAVAILABLE; add TLS") },
            "\(harness.logs.all)")
    }

    /// grpcio's TLS server closes a plaintext connection without a word: grpcio's client through a
    /// plaintext proxy gets UNAVAILABLE saying so.
    @Test func aPlaintextUpstreamThatClosesSilentlyIsNamedToGRPCIO() async throws {
        let server = try tlsServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        // The "fail" scenario reports whatever error its call gets.
        let proxied = try RecordPeer.runClient(target: harness.target, scenarios: ["fail"])
        #expect(proxied.first?["code"] == 14)
        let details = proxied.first?["details"]?.stringValue ?? ""
        #expect(
            details.hasSuffix(
                "it closed the connection without a word of HTTP/2, so it may expect TLS there, or not be a gRPC (HTTP/2) server"
            ), "\(proxied)")
        let recording = try await harness.finish()
        #expect(recording.calls.map(\.start.method) == [RecordPeer.path("Fail")])
    }

    /// A client's whole unary call in one write (preface, SETTINGS, HEADERS, DATA with END_STREAM), before
    /// any answer: header fields as HPACK literals without indexing.
    static func wholeUnaryCall(path: String, message: [UInt8]) -> [UInt8] {
        func literal(_ name: String, _ value: String) -> [UInt8] {
            [0, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
        }
        func frame(_ type: UInt8, _ flags: UInt8, _ payload: [UInt8]) -> [UInt8] {
            let length = payload.count
            return [UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags, 0, 0, 0, 1]
                + payload
        }
        let block =
            literal(":method", "POST") + literal(":scheme", "http") + literal(":path", path)
            + literal(":authority", "127.0.0.1") + literal("content-type", "application/grpc")
            + literal("te", "trailers")
        let length = UInt32(message.count)
        let grpcMessage =
            [0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + message
        var settings = frame(4, 0, [])
        settings[8] = 0  // stream 0
        return Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + settings + frame(1, 0x4, block)
            + frame(0, 0x1, grpcMessage)
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
