/// TLS for a server: its certificate and key, ALPN `h2`, and optionally client certificates (mTLS).
public struct ServerTLSConfiguration: Sendable {
    /// Whether and how client certificates are asked for.
    public enum ClientCertificates: Sendable, Hashable {
        /// Not requested.
        case none
        /// Requested and checked against `trustedCAsPEM` when presented; a client without one is accepted.
        case optional
        /// Required and checked against `trustedCAsPEM`.
        case required
    }

    /// The server certificate chain, as PEM (leaf first).
    public var certificateChainPEM: String
    /// The server private key, as PEM.
    public var privateKeyPEM: String
    /// The password of an encrypted private key.
    public var privateKeyPassword: String?
    /// Client certificate policy.
    public var clientCertificates: ClientCertificates = .none
    /// CA certificates that client certificates must chain to, as PEM texts.
    public var trustedCAsPEM: [String] = []

    /// TLS with a certificate chain and key, no client certificates.
    public init(certificateChainPEM: String, privateKeyPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }
}
