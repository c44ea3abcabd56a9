/// TLS for a client connection: ALPN `h2`, the system's roots plus any CA certificates given, an optional
/// client certificate for mTLS, and a switch to skip verification for testing.
public struct ClientTLSConfiguration: Sendable {
    /// How the server's certificate is checked.
    public enum Verification: Sendable, Hashable {
        /// The chain must lead to a trusted root and the certificate must name the host (or the authority).
        case full
        /// The chain must lead to a trusted root; the name is not checked.
        case skipHostname
        /// Nothing is checked (k6's `insecureSkipTLSVerify`); only for testing.
        case skip
    }

    /// Whether the operating system's trusted roots are used (besides `caCertificatesPEM`).
    public var trustSystemRoots = true
    /// Extra trusted CA certificates, as PEM texts (each may hold several certificates), like k6's `cacerts`.
    public var caCertificatesPEM: [String] = []
    /// The client certificate chain for mTLS, as PEM.
    public var certificateChainPEM: String?
    /// The client private key for mTLS, as PEM (PKCS#1, PKCS#8, SEC1; encrypted when a password is given).
    public var privateKeyPEM: String?
    /// The password of an encrypted private key (legacy `Proc-Type: 4,ENCRYPTED` or PKCS#8).
    public var privateKeyPassword: String?
    /// How the server's certificate is checked.
    public var verification: Verification = .full
    /// The name sent in SNI and checked against the certificate; the connection's `authority` wins when set.
    public var serverName: String?

    /// System roots, full verification, no client certificate.
    public static var defaults: ClientTLSConfiguration { ClientTLSConfiguration() }

    /// The defaults changed by `configure`.
    public static func defaults(_ configure: (inout ClientTLSConfiguration) -> Void) -> ClientTLSConfiguration {
        var configuration = ClientTLSConfiguration()
        configure(&configuration)
        return configuration
    }

    /// TLS with the defaults.
    public init() {}
}
