import GRPCWire

/// How the recording proxy listens, where it forwards, and its HTTP/2 limits. Start from
/// `.defaults(listen:upstream:)` and change what you need.
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
    /// HTTP/2 settings of both sides.
    public var http2 = HTTP2()

    /// HTTP/2 settings. The windows bound what the proxy holds: at most `streamWindowSize` bytes per stream
    /// and `connectionWindowSize` bytes per connection and direction wait in it, because a window is only
    /// given back once the bytes it covers were written to the other side.
    public struct HTTP2: Sendable {
        /// The receive window of each stream, on both sides.
        public var streamWindowSize = 1024 * 1024
        /// The receive window of each connection, on both sides.
        public var connectionWindowSize = 4 * 1024 * 1024
        /// Streams a client may open at once (lowered to the server's own limit once it is known).
        public var maxConcurrentStreams = 1000
        /// The largest frame payload accepted.
        public var maxFrameSize = 16384
        /// The largest header list accepted.
        public var maxHeaderListSize = 64 * 1024

        /// The defaults.
        public init() {}
    }

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
