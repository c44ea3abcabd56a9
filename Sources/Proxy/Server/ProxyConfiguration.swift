import GRPCWire

/// How the recording proxy listens, where it relays to, and the TLS of each side. HTTP/2 settings, windows
/// and limits are the endpoints' own: the proxy relays their bytes and imposes none.
public struct ProxyConfiguration: Sendable {
    /// The address clients connect to; 127.0.0.1 unless told otherwise.
    public var listenHost = "127.0.0.1"
    /// The port clients connect to (0 picks a free one).
    public var listenPort = 0
    /// The server calls are forwarded to.
    public var upstreamHost: String
    /// The server's port.
    public var upstreamPort: Int
    /// TLS toward the server; nil is plaintext HTTP/2 (prior knowledge).
    public var upstreamTLS: ClientTLSConfiguration?
    /// TLS toward clients; nil serves plaintext HTTP/2 (prior knowledge).
    public var downstreamTLS: ServerTLSConfiguration?
    /// How long connecting to the server may take.
    public var connectTimeout: Duration = .seconds(10)
    /// What the log adds when the server cannot be reached for a reason of this kind, in the words of
    /// whoever runs the proxy (a command names its own flags): `"; ..."`, or `""` for nothing.
    public var upstreamFailureAdvice: @Sendable (TransportFailure.Kind) -> String = { _ in "" }
    /// A plaintext proxy from 127.0.0.1:`listenPort` to `upstreamHost:upstreamPort`.
    public init(listenPort: Int = 0, upstreamHost: String, upstreamPort: Int) {
        self.listenPort = listenPort
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
    }

    /// `host:port` of the server, bracketed for IPv6.
    public var upstreamTarget: String {
        upstreamHost.contains(":") ? "[\(upstreamHost)]:\(upstreamPort)" : "\(upstreamHost):\(upstreamPort)"
    }

    /// Which sides use TLS, as the recording header says it: `none`, `upstream`, `downstream` or `both`.
    public var tlsDescription: String {
        switch (downstreamTLS != nil, upstreamTLS != nil) {
        case (false, false): "none"
        case (false, true): "upstream"
        case (true, false): "downstream"
        case (true, true): "both"
        }
    }
}
