import GRPCWire

/// A programming or configuration error the engine throws, worded as k6 words it so scripts ported from
/// k6 see the same text: `no gRPC connection, you must call connect first`, `method "/a.B/C" not found in
/// file descriptors`, `invalid grpc.connect() parameters: unknown connect param: "foo"`...
///
/// RPC failures are not thrown: they come back in the `Response` (or as a stream's `error` event).
public struct EngineError: Error, Sendable, CustomStringConvertible {
    /// The kind of error; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short name, e.g. `notConnected`.
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// `invoke`, `asyncInvoke`, `Stream` or `healthCheck` before `connect` (or after `close`).
        public static let notConnected = Code("notConnected")
        /// An empty method URL, or one no loaded file defines.
        public static let methodNotFound = Code("methodNotFound")
        /// Connect or call parameters that k6 would reject.
        public static let invalidParameters = Code("invalidParameters")
        /// A request that does not convert to the method's input type.
        public static let invalidRequest = Code("invalidRequest")
        /// A response that does not convert to JSON.
        public static let invalidResponse = Code("invalidResponse")
        /// `.proto` files or protosets that do not load or link.
        public static let schema = Code("schema")
        /// The connection could not be made (dial, TLS, HTTP/2 preface, timeout).
        public static let connect = Code("connect")
        /// Server reflection failed.
        public static let reflection = Code("reflection")
        /// A health check RPC failed.
        public static let healthCheck = Code("healthCheck")
    }

    /// The kind of error.
    public var code: Code
    /// What went wrong, in k6's words where k6 has words for it.
    public var message: String
    /// k6's `error_code` for transport failures (1212 for a refused dial, ...), when there is one.
    public var k6ErrorCode: Int?
    /// The kind of transport failure behind a `connect` error, when there is one: finer than k6's code (a
    /// server that does not speak TLS, one that closed a plaintext connection at once), for a command to
    /// name its own flag.
    public var transportFailure: TransportFailure.Kind?
    /// The status the server answered a `reflection` error's RPC with, when it answered (UNIMPLEMENTED: it
    /// serves no reflection).
    public var status: GRPCStatus?

    /// An error of a kind with a message.
    public init(_ code: Code, _ message: String, k6ErrorCode: Int? = nil) {
        self.code = code
        self.message = message
        self.k6ErrorCode = k6ErrorCode
    }

    /// A `connect` error for a transport failure.
    init(connecting failure: TransportFailure) {
        self.init(.connect, failure.message, k6ErrorCode: failure.k6ErrorCode)
        transportFailure = failure.kind
    }

    public var description: String { message }

    static let notConnectedMessage = "no gRPC connection, you must call connect first"
}
