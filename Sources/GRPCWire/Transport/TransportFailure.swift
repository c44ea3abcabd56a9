import GRPCProtocol
import NIOHTTP2

/// Why a connection or a stream failed below gRPC: a refused dial, a reset, a TLS verification failure, a
/// GOAWAY... Classified into the categories k6 uses for its `error_code` tag, so the engine can tag metrics
/// the same way.
public struct TransportFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// A short stable name, e.g. `connectionRefused`.
        public let name: String
        /// k6's error code for the category (`lib/netext/httpext/error_codes.go`).
        public let k6BaseCode: Int

        private init(_ name: String, _ k6BaseCode: Int) {
            self.name = name
            self.k6BaseCode = k6BaseCode
        }

        /// The host name did not resolve.
        public static let dnsLookup = Kind("dnsLookup", 1101)
        /// The TCP dial failed for another reason.
        public static let dial = Kind("dial", 1210)
        /// The TCP dial (or the whole connection set-up) timed out.
        public static let dialTimeout = Kind("dialTimeout", 1211)
        /// The peer refused the TCP connection.
        public static let connectionRefused = Kind("connectionRefused", 1212)
        /// The peer reset the TCP connection.
        public static let connectionReset = Kind("connectionReset", 1220)
        /// A write hit a closed connection.
        public static let brokenPipe = Kind("brokenPipe", 1201)
        /// The connection closed (EOF) while calls were open.
        public static let connectionClosed = Kind("connectionClosed", 1200)
        /// The TLS handshake failed for a reason other than the two below.
        public static let tls = Kind("tls", 1300)
        /// The server's certificate chain does not lead to a trusted root.
        public static let tlsUnknownAuthority = Kind("tlsUnknownAuthority", 1310)
        /// The server's certificate does not name the host (or the `authority` override).
        public static let tlsHostnameMismatch = Kind("tlsHostnameMismatch", 1311)
        /// The server answered the TLS handshake with something else: it speaks plaintext (h2c) there. A TLS
        /// failure to k6 (1300); its own kind so a command can name its flag for plaintext.
        public static let tlsNotSpoken = Kind("tlsNotSpoken", 1300)
        /// A plaintext (h2c) connection closed before the server's HTTP/2 SETTINGS: often a server that
        /// expects TLS there. A closed connection to k6 (1200); its own kind so a command can name its TLS
        /// flag.
        public static let plaintextClosedDuringSetup = Kind("plaintextClosedDuringSetup", 1200)
        /// The server sent GOAWAY and this stream was not processed, or the connection is going away.
        public static let goAway = Kind("goAway", 1610)
        /// The stream was reset (RST_STREAM) or failed at the HTTP/2 level.
        public static let streamError = Kind("streamError", 1630)
        /// The HTTP/2 connection failed (a protocol error, an unexpected preface...).
        public static let connectionError = Kind("connectionError", 1650)

        public var description: String { name }
    }

    /// The category.
    public var kind: Kind
    /// What happened, where, and what to try; for people.
    public var message: String
    /// The HTTP/2 error code, for `goAway`, `streamError` and `connectionError`.
    public var http2ErrorCode: HTTP2ErrorCode?
    /// Whether the server never processed the request, so it can be sent again elsewhere.
    public var isSafeToRetry: Bool

    /// A failure of a kind, with a message.
    public init(
        _ kind: Kind, _ message: String, http2ErrorCode: HTTP2ErrorCode? = nil, isSafeToRetry: Bool = false
    ) {
        self.kind = kind
        self.message = message
        self.http2ErrorCode = http2ErrorCode
        self.isSafeToRetry = isSafeToRetry
    }

    /// k6's numeric `error_code` tag: the category's code, plus 1 + the HTTP/2 error code for HTTP/2 kinds.
    public var k6ErrorCode: Int {
        guard let http2ErrorCode, [.goAway, .streamError, .connectionError].contains(kind) else {
            return kind.k6BaseCode
        }
        let raw = http2ErrorCode.networkCode
        return raw <= 0xD ? kind.k6BaseCode + 1 + raw : kind.k6BaseCode
    }

    /// k6's short `error` text for the category, e.g. `dial: connection refused`.
    public var k6ErrorMessage: String {
        switch kind {
        case .dnsLookup: return "lookup: no such host"
        case .dialTimeout: return "dial: i/o timeout"
        case .connectionRefused: return "dial: connection refused"
        case .connectionReset: return "read: connection reset by peer"
        case .brokenPipe: return "write: broken pipe"
        case .tlsUnknownAuthority: return "x509: unknown authority"
        case .tlsHostnameMismatch: return "x509: certificate doesn't match hostname"
        case .goAway: return "http2: received GoAway with http2 ErrCode \(http2CodeName)"
        case .streamError: return "http2: stream error with http2 ErrCode \(http2CodeName)"
        case .connectionError: return "http2: connection error with http2 ErrCode \(http2CodeName)"
        default: return message
        }
    }

    private var http2CodeName: String { http2ErrorCode.map(Self.name(of:)) ?? "UNKNOWN" }

    /// The RFC 9113 name of an HTTP/2 error code (`REFUSED_STREAM`).
    static func name(of code: HTTP2ErrorCode) -> String {
        HTTP2ErrorCodeName.name(of: UInt32(code.networkCode))
    }

    public var description: String { message }
}
