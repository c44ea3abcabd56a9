import ArgumentParser
import Engine
import Foundation
import GRPCWire

/// How `reprise call` secures its connection: grpcurl's flags, mapped onto k6's connect params.
struct CallTLSOptions: ParsableArguments {
    @Flag(help: "Use HTTP/2 without TLS (h2c), as k6's plaintext: true.")
    var plaintext = false

    @Flag(help: "Skip verifying the server's certificate (testing only).")
    var insecure = false

    @Option(help: ArgumentHelp("Trust this PEM CA certificate besides the system's roots.", valueName: "file"))
    var cacert: [String] = []

    @Option(help: ArgumentHelp("Present this PEM client certificate chain (mTLS; needs --key).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("The PEM private key of --cert.", valueName: "file"))
    var key: String?

    @Option(help: ArgumentHelp("The :authority and TLS server name to use instead of the address's host."))
    var authority: String?

    /// What to do about a connection that failed for a reason of this kind, as this command's flags say it
    /// ("; ..."), or nothing.
    static func hint(for kind: TransportFailure.Kind?) -> String {
        switch kind {
        case .tlsUnknownAuthority:
            "; trust the server's CA with --cacert FILE (or skip verification with --insecure, for testing)"
        case .tlsHostnameMismatch: "; give the name the certificate has with --authority NAME"
        case .tlsNotSpoken: "; for plaintext (h2c), add --plaintext"
        case .plaintextClosedDuringSetup: "; if it serves TLS there, leave out --plaintext"
        default: ""
        }
    }

    func validate() throws {
        if (cert == nil) != (key == nil) { throw ValidationError("Give --cert and --key together.") }
        if plaintext, !cacert.isEmpty || cert != nil || insecure {
            throw ValidationError("--plaintext does not combine with --cacert, --cert, --key or --insecure.")
        }
    }

    /// The connect params these flags stand for.
    func connectParams(timeout: Duration) throws -> ConnectParams {
        var params = ConnectParams()
        params.plaintext = plaintext
        params.timeout = timeout
        params.authority = authority
        params.insecureSkipTLSVerify = insecure
        if !plaintext, !cacert.isEmpty || cert != nil {
            params.tls = TLSParams(
                cert: try cert.map { try readTextFile($0, what: "--cert") },
                key: try key.map { try readTextFile($0, what: "--key") },
                cacerts: try cacert.map { try readTextFile($0, what: "--cacert") })
        }
        return params
    }

}
