import GRPCWire

/// The parameters of `Client.connect`: k6's `ConnectParams`, plus a few settings k6 takes from global
/// options (`insecureSkipTLSVerify`, `userAgent`).
///
/// Build it in Swift, or parse k6's JSON object with `ConnectParams(json:)`, which validates like k6.
public struct ConnectParams: Sendable {
    /// `true`: HTTP/2 without TLS (h2c). `false` (the default): TLS.
    public var plaintext = false
    /// Fetch the schema with server reflection after connecting.
    public var reflect = false
    /// Metadata sent with the reflection call only.
    public var reflectMetadata: Metadata = [:]
    /// The longest the dial, TLS, HTTP/2 set-up and reflection may take together (k6: 60 s).
    public var timeout: Duration = .seconds(60)
    /// The largest response message accepted, in bytes; 0 keeps grpc-go's 4 MiB.
    public var maxReceiveSize = 0
    /// The largest request message sent, in bytes; 0 keeps grpc-go's `Int32.max`.
    public var maxSendSize = 0
    /// Per-connection TLS: CA certificates, a client certificate and key (k6's `tls` object).
    public var tls: TLSParams?
    /// Overrides `:authority` and the TLS server name checked against the certificate.
    public var authority: String?
    /// Skips certificate verification (k6's global `insecureSkipTLSVerify`); for testing only.
    public var insecureSkipTLSVerify = false
    /// The `user-agent` header; nil keeps the client's.
    public var userAgent: String?

    /// The defaults: TLS, no reflection, 60 s timeout, grpc-go's size limits.
    public init() {}

    /// The defaults changed by `configure`.
    public static func with(_ configure: (inout ConnectParams) -> Void) -> ConnectParams {
        var params = ConnectParams()
        configure(&params)
        return params
    }
}

/// k6's `tls` connect parameter: PEM texts.
public struct TLSParams: Sendable, Hashable {
    /// The client certificate chain (mTLS); used only together with `key`.
    public var cert: String?
    /// The client private key (mTLS).
    public var key: String?
    /// The password of an encrypted `key`.
    public var password: String?
    /// CA certificates trusted besides the system's roots.
    public var cacerts: [String] = []

    /// TLS parameters from PEM texts.
    public init(cert: String? = nil, key: String? = nil, password: String? = nil, cacerts: [String] = []) {
        self.cert = cert
        self.key = key
        self.password = password
        self.cacerts = cacerts
    }
}
