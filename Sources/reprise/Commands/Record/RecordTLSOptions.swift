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
        help: ArgumentHelp(
            "The name sent in SNI and checked in the server's certificate; implies --upstream-tls.", valueName: "name"))
    var upstreamServerName: String?

    @Option(
        name: .customLong("upstream-cert"),
        help: ArgumentHelp("Client certificate (PEM) for mTLS; implies --upstream-tls.", valueName: "file"))
    var upstreamCertificate: String?

    @Option(
        name: .customLong("upstream-key"), help: ArgumentHelp("Client private key (PEM) for mTLS.", valueName: "file"))
    var upstreamKey: String?

    @OptionGroup var serving: ServeTLSOptions

    /// The upstream flags, read once.
    var upstream: UpstreamTLSFlags {
        UpstreamTLSFlags(
            prefix: "--upstream", tls: upstreamTLS, ca: upstreamCA, insecure: upstreamInsecure,
            serverName: upstreamServerName, certificate: upstreamCertificate, key: upstreamKey)
    }

    func validate() throws { try upstream.validate() }

    func upstreamConfiguration() throws -> ClientTLSConfiguration? { try upstream.configuration() }

    /// The client-side TLS, and the local CA when one is used (to tell the user how to trust it).
    func downstreamConfiguration(listenHost: String) throws -> (ServerTLSConfiguration?, LocalCertificateAuthority?) {
        try serving.configuration(listenHost: listenHost)
    }
}
