import Foundation
import GRPCWire
import NIOCore
import TestSupport
import Testing

/// TLS and mTLS against grpcio with certificates made at test time.
@Suite(.timeLimit(.minutes(2))) struct TLSInteropTests {
    static let pki = Result { try TestCertificates() }
    static let tlsPeer = Result {
        let files = try Self.pki.get()
        return try GRPCIOPeer.start(["--tls-cert", files.file("server.pem"), "--tls-key", files.file("server.key")])
    }
    static let mtlsPeer = Result {
        let pki = try Self.pki.get()
        return try GRPCIOPeer.start([
            "--tls-cert", pki.file("server.pem"), "--tls-key", pki.file("server.key"), "--client-ca",
            pki.file("ca.pem"),
        ])
    }

    private func configuration(
        _ configure: (inout ClientConnection.Configuration, TestCertificates) -> Void
    ) throws -> ClientConnection.Configuration {
        let pki = try Self.pki.get()
        return .defaults { configuration in
            configuration.tls = .defaults { $0.caCertificatesPEM = [pki.caPEM] }
            configure(&configuration, pki)
        }
    }

    private func unaryWorks(port: Int, _ configuration: ClientConnection.Configuration) async throws {
        let connection = try await ClientConnection.connect(
            host: "127.0.0.1", port: port, configuration: configuration, group: testGroup)
        let response = await connection.unary(path: GRPCIOPeer.path("Unary"), request: .text("secure"))
        #expect(response.result.status == .ok)
        #expect(response.message.map { String(buffer: $0) } == "secure")
        await connection.close()
    }

    private func connectFailure(
        port: Int, _ configuration: ClientConnection.Configuration
    ) async throws -> TransportFailure {
        do {
            let connection = try await ClientConnection.connect(
                host: "127.0.0.1", port: port, configuration: configuration, group: testGroup)
            // With TLS 1.3 a rejected client certificate can surface only after the handshake: on first use.
            let response = await connection.unary(path: GRPCIOPeer.path("Unary"), request: .text("x"))
            await connection.close()
            return try #require(response.result.status.transportFailure, "expected a failure, got \(response.result)")
        } catch let failure as TransportFailure {
            return failure
        }
    }

    @Test func tlsWithTheTestCAVerifiesTheServerByIPAddress() async throws {
        try await unaryWorks(port: Self.tlsPeer.get().port, configuration { _, _ in })
    }

    @Test func authorityOverrideSetsSNIAndTheCheckedName() async throws {
        try await unaryWorks(
            port: Self.tlsPeer.get().port, configuration { config, _ in config.authority = "localhost" })
    }

    @Test func unknownAuthorityIsClassified() async throws {
        let failure = try await connectFailure(
            port: Self.tlsPeer.get().port,
            configuration { config, pki in
                config.tls?.caCertificatesPEM = [pki.unrelatedCAPEM]
                config.tls?.trustSystemRoots = false
            })
        #expect(failure.kind == .tlsUnknownAuthority)
        #expect(failure.k6ErrorCode == 1310)
        #expect(failure.message.contains("unknown authority"))
    }

    @Test func hostnameMismatchIsClassified() async throws {
        let failure = try await connectFailure(
            port: Self.tlsPeer.get().port, configuration { config, _ in config.authority = "wrong.example.com" })
        #expect(failure.kind == .tlsHostnameMismatch)
        #expect(failure.k6ErrorCode == 1311)
        // Go's wording, with the names the certificate has (its IP address is not one of them).
        #expect(failure.message.hasSuffix("failed: x509: certificate is valid for localhost, not wrong.example.com"))
    }

    @Test func skipVerifyAcceptsAnUntrustedServer() async throws {
        try await unaryWorks(
            port: Self.tlsPeer.get().port,
            configuration { config, _ in
                config.tls = .defaults { $0.verification = .skip }
                config.authority = "wrong.example.com"
            })
    }

    @Test func plaintextClientAgainstATLSServerFailsClearly() async throws {
        let port = try Self.tlsPeer.get().port
        await #expect(throws: TransportFailure.self) {
            let _: ClientConnection = try await ClientConnection.connect(
                host: "127.0.0.1", port: port,
                configuration: .defaults { $0.connectTimeout = .seconds(5) }, group: testGroup)
        }
    }

    @Test func mutualTLSWithAClientCertificateWorks() async throws {
        try await unaryWorks(
            port: Self.mtlsPeer.get().port,
            configuration { config, pki in
                config.tls?.certificateChainPEM = pki.clientCertificatePEM
                config.tls?.privateKeyPEM = pki.clientKeyPEM
            })
    }

    @Test func mutualTLSWithoutAClientCertificateIsRejected() async throws {
        let failure = try await connectFailure(port: Self.mtlsPeer.get().port, configuration { _, _ in })
        #expect([TransportFailure.Kind.tls, .connectionClosed, .connectionReset].contains(failure.kind))
    }

    @Test func encryptedClientKeyIsDecryptedWithItsPassword() async throws {
        let pki = try Self.pki.get()
        let encrypted = pki.directory.path("client-encrypted.key").path
        try await Subprocess.check([
            try Repository.systemTool("openssl"), "ec", "-in", pki.file("client.key"), "-out", encrypted, "-aes128",
            "-passout", "pass:s3cret",
        ])
        let encryptedPEM = try String(contentsOfFile: encrypted, encoding: .utf8)
        #expect(encryptedPEM.contains("ENCRYPTED"))
        try await unaryWorks(
            port: Self.mtlsPeer.get().port,
            configuration { config, pki in
                config.tls?.certificateChainPEM = pki.clientCertificatePEM
                config.tls?.privateKeyPEM = encryptedPEM
                config.tls?.privateKeyPassword = "s3cret"
            })
        let wrongPassword = try configuration { config, pki in
            config.tls?.certificateChainPEM = pki.clientCertificatePEM
            config.tls?.privateKeyPEM = encryptedPEM
            config.tls?.privateKeyPassword = "wrong"
        }
        await #expect(throws: ConfigurationError.self) {
            let _: ClientConnection = try await ClientConnection.connect(
                host: "127.0.0.1", port: try Self.mtlsPeer.get().port, configuration: wrongPassword, group: testGroup)
        }
    }

    @Test func invalidCACertificateTextIsAConfigurationError() async throws {
        let configuration = ClientConnection.Configuration.defaults {
            $0.tls = .defaults { $0.caCertificatesPEM = ["not a certificate"] }
        }
        await #expect(throws: ConfigurationError.self) {
            let _: ClientConnection = try await ClientConnection.connect(
                host: "127.0.0.1", port: 1, configuration: configuration, group: testGroup)
        }
    }
}
