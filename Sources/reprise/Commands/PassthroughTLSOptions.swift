import ArgumentParser
import GRPCWire

/// TLS toward the real server `mock --passthrough` forwards misses to, as `record`'s `--upstream-*` flags.
struct PassthroughTLSOptions: ParsableArguments {
    @Flag(
        name: .customLong("passthrough-tls"),
        help: "Reach the --passthrough server with TLS (system roots unless --passthrough-ca).")
    var tls = false

    @Option(
        name: .customLong("passthrough-ca"),
        help: ArgumentHelp(
            "Trust this CA certificate (PEM) for the --passthrough server; implies --passthrough-tls.",
            valueName: "file"))
    var ca: [String] = []

    @Flag(
        name: .customLong("passthrough-insecure"),
        help: "TLS to the --passthrough server without checking its certificate (testing only).")
    var insecure = false

    @Option(
        name: .customLong("passthrough-server-name"),
        help: ArgumentHelp(
            "The name sent in SNI and checked in the --passthrough server's certificate; implies --passthrough-tls.",
            valueName: "name"))
    var serverName: String?

    @Option(
        name: .customLong("passthrough-cert"),
        help: ArgumentHelp(
            "Client certificate (PEM) for mTLS with the --passthrough server; implies --passthrough-tls.",
            valueName: "file"))
    var certificate: String?

    @Option(
        name: .customLong("passthrough-key"),
        help: ArgumentHelp("Client private key (PEM) of --passthrough-cert.", valueName: "file"))
    var key: String?

    /// The flags, read once.
    var flags: UpstreamTLSFlags {
        UpstreamTLSFlags(
            prefix: "--passthrough", tls: tls, ca: ca, insecure: insecure, serverName: serverName,
            certificate: certificate, key: key)
    }

    func validate() throws { try flags.validate() }
}
