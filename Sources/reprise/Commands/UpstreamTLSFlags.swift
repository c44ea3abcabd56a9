import ArgumentParser
import GRPCWire

/// TLS toward a server a command forwards to, as its flags give it: `record`'s `--upstream-*` and `mock`'s
/// `--passthrough-*` (`prefix`), checked, built and explained once.
struct UpstreamTLSFlags {
    /// `--upstream` or `--passthrough`: the flags' common stem, for messages.
    var prefix: String
    var tls = false
    var ca: [String] = []
    var insecure = false
    var serverName: String?
    var certificate: String?
    var key: String?

    func validate() throws {
        if (certificate == nil) != (key == nil) {
            throw ValidationError("\(prefix)-cert and \(prefix)-key go together.")
        }
    }

    /// Whether any flag asks for TLS (each of them implies it: a server name or a client certificate has
    /// no meaning over plaintext, so giving one is taken as asking for TLS, not ignored).
    var isUsed: Bool { tls || insecure || !ca.isEmpty || serverName != nil || certificate != nil }

    /// The TLS configuration, or nil for plaintext.
    func configuration() throws -> ClientTLSConfiguration? {
        guard isUsed else { return nil }
        var configuration = ClientTLSConfiguration.defaults
        configuration.caCertificatesPEM = try ca.map { try readTextFile($0, what: "\(prefix)-ca") }
        if insecure { configuration.verification = .skip }
        configuration.serverName = serverName
        if let certificate, let key {
            configuration.certificateChainPEM = try readTextFile(certificate, what: "\(prefix)-cert")
            configuration.privateKeyPEM = try readTextFile(key, what: "\(prefix)-key")
        }
        return configuration
    }

    /// What to do about a server that cannot be reached for a reason of this kind, in these flags
    /// ("; ..."), or nothing.
    func advice(for kind: TransportFailure.Kind) -> String {
        switch kind {
        case .tlsUnknownAuthority:
            "; trust its CA with \(prefix)-ca FILE (or skip verification with \(prefix)-insecure, for testing)"
        case .tlsHostnameMismatch: "; give the name its certificate has with \(prefix)-server-name NAME"
        case .tlsNotSpoken: "; for plaintext (h2c), leave out the \(prefix)-* TLS flags"
        case .plaintextClosedDuringSetup: "; if it serves TLS there, add \(prefix)-tls"
        default: ""
        }
    }
}
