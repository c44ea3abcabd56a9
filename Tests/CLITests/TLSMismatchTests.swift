import DemoServer
import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// TLS asked of a plaintext server, and plaintext of a TLS one: each command says what the server did and
/// names its own flag (the wire layer used to say "(try plaintext)", a word no command has).
@Suite("TLS and plaintext mixed up")
struct TLSMismatchTests {
    static let recording = Repository.root.appendingPathComponent("recordings/demo.jsonl").path

    @Test func tlsToAPlaintextServerNamesPlaintext() async throws {
        let server = try await DemoServer.start(host: "127.0.0.1", group: MultiThreadedEventLoopGroup.singleton)
        let address = "127.0.0.1:\(server.port)"
        let said = "TLS handshake with \(address) failed: the server does not speak TLS there"
        for command in [
            ["call", address, "demo.v1.Demo/SayHello"], ["health", address],
            ["replay", Self.recording, "--target", address],
        ] {
            let result = try await reprise(command)
            #expect(result.status != 0)
            #expect(result.stderrText.contains("\(said); for plaintext (h2c), add --plaintext"), "\(result.stderrText)")
        }
        await server.shutdown(gracePeriod: .milliseconds(100))
    }

    @Test func plaintextToATLSServerNamesTheFlag() async throws {
        let pki = try TestCertificates()
        let server = try await DemoServer.start(
            host: "127.0.0.1",
            tls: ServerTLSConfiguration(certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM),
            group: MultiThreadedEventLoopGroup.singleton)
        let address = "127.0.0.1:\(server.port)"
        let said =
            "\(address) closed the connection before its HTTP/2 SETTINGS: it may expect TLS there, or not be a gRPC "
            + "(HTTP/2) server"
        for command in [
            ["call", "--plaintext", address, "demo.v1.Demo/SayHello"], ["health", "--plaintext", address],
            ["replay", Self.recording, "--plaintext", "--target", address],
        ] {
            let result = try await reprise(command)
            #expect(result.status != 0)
            #expect(
                result.stderrText.contains("\(said); if it serves TLS there, leave out --plaintext"),
                "\(result.stderrText)")
        }
        // mock --passthrough names its own flag.
        let mock = try await reprise(["mock", Self.recording, "--listen", "127.0.0.1:0", "--passthrough", address])
        #expect(mock.status == 69, "\(mock.stderrText)")
        #expect(
            mock.stderrText.contains("\(said); if it serves TLS there, add --passthrough-tls"), "\(mock.stderrText)")
        await server.shutdown(gracePeriod: .milliseconds(100))
    }
}
