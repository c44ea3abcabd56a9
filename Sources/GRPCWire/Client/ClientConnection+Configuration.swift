import NIOCore

extension ClientConnection {
    /// How a client connection is made and run. Start from `.defaults` and change what you need:
    /// `.defaults { $0.tls = .defaults; $0.authority = "api.example.com" }`.
    public struct Configuration: Sendable {
        /// TLS settings; `nil` means plaintext HTTP/2 with prior knowledge (h2c).
        public var tls: ClientTLSConfiguration?
        /// Overrides `:authority` and, with TLS, the SNI name and the name the certificate must match.
        public var authority: String?
        /// The longest the whole set-up may take: TCP, TLS and the server's SETTINGS (k6's connect timeout).
        public var connectTimeout: TimeAmount = .seconds(20)
        /// The `user-agent` sent with every call.
        public var userAgent = "reprise-grpc-wire/1.0"
        /// HTTP/2 settings.
        public var http2 = HTTP2()
        /// Keepalive pings; `nil` sends none.
        public var keepalive: Keepalive?
        /// The encodings advertised in `grpc-accept-encoding` and accepted in responses.
        public var acceptedEncodings: [CompressionAlgorithm] = CompressionAlgorithm.all
        /// Extra counters of bytes crossing the socket (e.g. one per k6 VU), besides the connection's own.
        public var byteCounters: [ByteCounter] = []

        /// HTTP/2 settings of a client connection.
        public struct HTTP2: Sendable {
            /// The receive window of each stream (SETTINGS_INITIAL_WINDOW_SIZE).
            public var streamWindowSize = 4 * 1024 * 1024
            /// The receive window of the connection as a whole (grown by WINDOW_UPDATE on stream 0).
            public var connectionWindowSize = 16 * 1024 * 1024
            /// The largest frame payload accepted (SETTINGS_MAX_FRAME_SIZE).
            public var maxFrameSize = 16384
            /// The largest header list accepted (SETTINGS_MAX_HEADER_LIST_SIZE).
            public var maxHeaderListSize = 64 * 1024
            /// A local cap on concurrent streams, applied on top of the server's SETTINGS_MAX_CONCURRENT_STREAMS.
            public var maxConcurrentStreams = Int.max

            /// The defaults.
            public init() {}
        }

        /// Keepalive: a PING every `interval`; the connection is closed if the ACK takes longer than `timeout`.
        public struct Keepalive: Sendable {
            /// Time between pings.
            public var interval: TimeAmount
            /// How long to wait for the ACK.
            public var timeout: TimeAmount
            /// Whether to ping when no call is open (servers may answer too many pings with GOAWAY).
            public var permitWithoutCalls: Bool

            /// Keepalive with an interval, a timeout and whether to ping an idle connection.
            public init(interval: TimeAmount, timeout: TimeAmount = .seconds(20), permitWithoutCalls: Bool = false) {
                self.interval = interval
                self.timeout = timeout
                self.permitWithoutCalls = permitWithoutCalls
            }
        }

        /// Plaintext, 20 s connect timeout, large windows, no keepalive.
        public static var defaults: Configuration { Configuration() }

        /// The defaults changed by `configure`.
        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            configure(&configuration)
            return configuration
        }

        /// A configuration with the defaults.
        public init() {}
    }
}
