import NIOCore

extension GRPCServer {
    /// How a server listens and serves. Start from `.defaults` and change what you need.
    public struct Configuration: Sendable {
        /// TLS settings; `nil` serves plaintext HTTP/2 (prior knowledge).
        public var tls: ServerTLSConfiguration?
        /// The largest request message accepted, in bytes.
        public var maxReceiveMessageSize = 4 * 1024 * 1024
        /// The largest response message sent, in bytes.
        public var maxSendMessageSize = Int(Int32.max)
        /// The encodings accepted in requests (and advertised in `grpc-accept-encoding`).
        public var acceptedEncodings: [CompressionAlgorithm] = CompressionAlgorithm.all
        /// Whether responses use the request's compression when the client accepts it.
        public var compressResponsesLikeRequests = true
        /// HTTP/2 settings.
        public var http2 = HTTP2()

        /// HTTP/2 settings of a server.
        public struct HTTP2: Sendable {
            /// SETTINGS_MAX_CONCURRENT_STREAMS: streams each client may have open at once.
            public var maxConcurrentStreams = 10_000
            /// The receive window of each stream.
            public var streamWindowSize = 4 * 1024 * 1024
            /// The receive window of each connection.
            public var connectionWindowSize = 16 * 1024 * 1024
            /// The largest frame payload accepted.
            public var maxFrameSize = 16384
            /// The largest header list accepted.
            public var maxHeaderListSize = 64 * 1024

            /// The defaults.
            public init() {}
        }

        /// Plaintext, grpc-go's message limits, gzip and deflate accepted.
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
