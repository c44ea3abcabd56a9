import ArgumentParser
import Foundation
import GRPCWire
import Proxy

/// TLS toward clients, for the commands that serve (`record`, `mock`): a certificate and key, or one made by
/// Reprise's local CA.
struct ServeTLSOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp("Serve TLS to clients with this certificate chain (PEM).", valueName: "file"))
    var certificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The private key (PEM) of --tls-cert.", valueName: "file"))
    var key: String?

    @Flag(
        name: .customLong("tls-local-ca"),
        help: "Serve TLS to clients with a certificate from Reprise's local CA (made on first use; see --ca-dir).")
    var localCA = false

    @Option(
        name: .customLong("ca-dir"),
        help: ArgumentHelp("Where the local CA lives (ca.pem, and ca.key readable only by you).", valueName: "dir"))
    var caDirectory = "~/.reprise/ca"

    @Option(
        name: .customLong("tls-name"),
        help: ArgumentHelp(
            "A name or IP address the local CA's certificate covers, besides localhost, 127.0.0.1, ::1 and the listen host.",
            valueName: "name"))
    var names: [String] = []

    func validate() throws {
        if (certificate == nil) != (key == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both, or use --tls-local-ca.")
        }
        if certificate != nil, localCA {
            throw ValidationError("Use either --tls-cert/--tls-key or --tls-local-ca, not both.")
        }
    }

    /// The client-side TLS, and the local CA when one is used (to tell the user how to trust it).
    func configuration(listenHost: String) throws -> (ServerTLSConfiguration?, LocalCertificateAuthority?) {
        if let certificate, let key {
            return (
                ServerTLSConfiguration(
                    certificateChainPEM: try readTextFile(certificate, what: "--tls-cert"),
                    privateKeyPEM: try readTextFile(key, what: "--tls-key")),
                nil
            )
        }
        guard localCA else { return (nil, nil) }
        let ca: LocalCertificateAuthority
        do {
            ca = try LocalCertificateAuthority.loadOrCreate(directory: caDirectory)
        } catch {
            throw CommandError("cannot set up the local CA in \(caDirectory): \(error)")
        }
        var all = ["localhost", "127.0.0.1", "::1"]
        for name in [listenHost] + names where !all.contains(name) && name != "0.0.0.0" && name != "::" {
            all.append(name)
        }
        return (try ca.serverTLS(names: all), ca)
    }
}
