import ArgumentParser
import Foundation
import GRPCWire
import Proxy

/// TLS toward the server and toward clients.
struct RecordTLSOptions: ParsableArguments {
    @Flag(
        name: .customLong("upstream-tls"), help: "Connect to the server with TLS (system roots unless --upstream-ca).")
    var upstreamTLS = false

    @Option(
        name: .customLong("upstream-ca"),
        help: ArgumentHelp("Trust this CA certificate (PEM) for the server; implies --upstream-tls.", valueName: "file")
    )
    var upstreamCA: [String] = []

    @Flag(
        name: .customLong("upstream-insecure"),
        help: "TLS to the server without checking its certificate (testing only); implies --upstream-tls.")
    var upstreamInsecure = false

    @Option(
        name: .customLong("upstream-server-name"),
        help: ArgumentHelp("The name sent in SNI and checked in the server's certificate.", valueName: "name"))
    var upstreamServerName: String?

    @Option(
        name: .customLong("upstream-cert"), help: ArgumentHelp("Client certificate (PEM) for mTLS.", valueName: "file"))
    var upstreamCertificate: String?

    @Option(
        name: .customLong("upstream-key"), help: ArgumentHelp("Client private key (PEM) for mTLS.", valueName: "file"))
    var upstreamKey: String?

    @OptionGroup var serving: ServeTLSOptions

    /// What to do about a server that cannot be reached for a reason of this kind, as `record`'s flags say
    /// it ("; ..."), or nothing.
    static func advice(for kind: TransportFailure.Kind) -> String {
        switch kind {
        case .tlsUnknownAuthority:
            "; trust its CA with --upstream-ca FILE (or skip verification with --upstream-insecure, for testing)"
        case .tlsHostnameMismatch: "; give the name its certificate has with --upstream-server-name NAME"
        default: ""
        }
    }

    func validate() throws {
        if (upstreamCertificate == nil) != (upstreamKey == nil) {
            throw ValidationError("--upstream-cert and --upstream-key go together.")
        }
    }

    var usesUpstreamTLS: Bool {
        upstreamTLS || upstreamInsecure || !upstreamCA.isEmpty || upstreamCertificate != nil
    }

    func upstreamConfiguration() throws -> ClientTLSConfiguration? {
        guard usesUpstreamTLS else { return nil }
        var tls = ClientTLSConfiguration.defaults
        tls.caCertificatesPEM = try upstreamCA.map { try readTextFile($0, what: "--upstream-ca") }
        if upstreamInsecure { tls.verification = .skip }
        tls.serverName = upstreamServerName
        if let upstreamCertificate, let upstreamKey {
            tls.certificateChainPEM = try readTextFile(upstreamCertificate, what: "--upstream-cert")
            tls.privateKeyPEM = try readTextFile(upstreamKey, what: "--upstream-key")
        }
        return tls
    }

    /// The client-side TLS, and the local CA when one is used (to tell the user how to trust it).
    func downstreamConfiguration(listenHost: String) throws -> (ServerTLSConfiguration?, LocalCertificateAuthority?) {
        try serving.configuration(listenHost: listenHost)
    }
}
