import GRPCProtocol
import GRPCWire
import Replay

/// How a mock matches requests and plays answers. Start from `.defaults` and change what you need.
public struct MockConfiguration: Sendable {
    /// Fields left out of request matching (the golden check's ignore rules and rules file); matching is
    /// by decoded fields, exact otherwise.
    public var rules = CompareRules()
    /// Request metadata keys whose values must equal the recorded ones too.
    public var matchHeaders: [String] = []
    /// When the same request was answered several times: true plays the answers round and round, false
    /// plays them once in recorded order and then repeats the last.
    public var cycle = false
    /// Whether stream messages keep the recorded gaps between them (false sends them at once).
    public var pace = true
    /// The status of a request no recorded call matches: `NOT_FOUND` or `UNIMPLEMENTED`.
    public var missCode: StatusCode = .notFound
    /// The server side: TLS, limits, HTTP/2 settings.
    public var server: GRPCServer.Configuration = .defaults
    /// Where misses go instead of being refused, and where they are recorded.
    public var passthrough: Passthrough?
    /// Called with a line for the console: misses and passthrough problems. Any thread.
    public var log: @Sendable (String) -> Void = { _ in }

    /// Matching exact, answers in recorded order then the last repeated, at the recorded pace.
    public static var defaults: MockConfiguration { MockConfiguration() }

    /// The defaults changed by `configure`.
    public static func defaults(_ configure: (inout MockConfiguration) -> Void) -> MockConfiguration {
        var configuration = MockConfiguration()
        configure(&configuration)
        return configuration
    }

    /// The defaults.
    public init() {}

    /// A real server that answers what the recording does not, and the recording its calls are added to.
    public struct Passthrough: Sendable {
        /// The server's host.
        public var host: String
        /// The server's port.
        public var port: Int
        /// The client side toward it (TLS, limits).
        public var client: ClientConnection.Configuration = .defaults
        /// The recording file the passed-through calls are appended to (created when missing).
        public var appendPath: String?

        /// A server at `host:port`, calls appended to `appendPath` (nil: not recorded).
        public init(host: String, port: Int, appendPath: String?) {
            self.host = host
            self.port = port
            self.appendPath = appendPath
        }
    }
}
