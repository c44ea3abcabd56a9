import GRPCProtocol
import NIOCore

/// Maps `:path` to handlers. Build it before starting the server:
///
/// ```swift
/// var router = ServerRouter()
/// router.unary("/echo.Echo/Get") { request, call in call.respond(request) }
/// router.register("/echo.Echo/Chat") { _ in ChatHandler() }   // any RPC kind, one object per call
/// ```
public struct ServerRouter: Sendable {
    /// Makes the handler of one call; runs on the call's event loop.
    public typealias HandlerFactory = @Sendable (ServerCall) -> any ServerCallHandler

    private var routes: [String: HandlerFactory] = [:]
    private var fallbackFactory: HandlerFactory?

    /// An empty router (every call gets UNIMPLEMENTED).
    public init() {}

    /// Routes `path` (`/package.Service/Method`) to handlers made by `factory`, for any RPC kind.
    public mutating func register(_ path: String, _ factory: @escaping HandlerFactory) {
        routes[path] = factory
    }

    /// Handles every path no route matches (a generic echo server, a mock); unmatched paths otherwise get
    /// UNIMPLEMENTED.
    public mutating func fallback(_ factory: @escaping HandlerFactory) {
        fallbackFactory = factory
    }

    /// A unary method: `body` gets the request once the client half-closes, and answers through the call
    /// (`call.respond(message)` or `call.finish(status)`), now or later.
    public mutating func unary(_ path: String, _ body: @escaping @Sendable (ByteBuffer, ServerCall) -> Void) {
        register(path) { _ in SingleRequestHandler(body) }
    }

    /// A server-streaming method: `body` gets the one request and sends any number of messages before
    /// `call.finish()`.
    public mutating func serverStreaming(_ path: String, _ body: @escaping @Sendable (ByteBuffer, ServerCall) -> Void) {
        register(path) { _ in SingleRequestHandler(body) }
    }

    /// A unary method answered by an async closure: its returned message is the response, a thrown
    /// `GRPCStatus` the error (any other error becomes UNKNOWN). This convenience runs one `Task` per call;
    /// handlers on the hot path should use `unary(_:_:)` and answer through the call instead.
    public mutating func unaryAsync(
        _ path: String, _ body: @escaping @Sendable (ByteBuffer, ServerCall) async throws -> ByteBuffer
    ) {
        unary(path) { request, call in
            Task {
                do {
                    call.respond(try await body(request, call))
                } catch let status as GRPCStatus {
                    call.finish(status)
                } catch {
                    call.finish(GRPCStatus(code: .unknown, message: "\(error)"))
                }
            }
        }
    }

    /// The paths with routes, sorted.
    public var paths: [String] { routes.keys.sorted() }

    func handler(for path: String) -> HandlerFactory? {
        routes[path] ?? fallbackFactory
    }

    /// grpc-go's wording for a path with no handler: an unknown service, or an unknown method of a known one.
    func unimplementedMessage(for path: String) -> String {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : path[...]
        guard let slash = trimmed.lastIndex(of: "/") else { return "malformed method name: \"\(path)\"" }
        let service = trimmed[..<slash]
        let method = trimmed[trimmed.index(after: slash)...]
        let knowsService = routes.keys.contains { $0.hasPrefix("/\(service)/") }
        return knowsService ? "unknown method \(method) for service \(service)" : "unknown service \(service)"
    }
}

/// Waits for exactly one request message and the end of the request, then hands both to a closure.
final class SingleRequestHandler: ServerCallHandler {
    private let body: @Sendable (ByteBuffer, ServerCall) -> Void
    private var request: ByteBuffer?
    private var tooMany = false

    init(_ body: @escaping @Sendable (ByteBuffer, ServerCall) -> Void) { self.body = body }

    func received(_ message: ByteBuffer, call: ServerCall) {
        if request == nil { request = message } else { tooMany = true }
    }

    func receivedEnd(call: ServerCall) {
        guard let request, !tooMany else {
            let reason = tooMany ? "received more than one request message" : "received no request message"
            call.finish(GRPCStatus(code: .internalError, message: "grpc: cardinality violation: \(reason)"))
            return
        }
        self.request = nil
        body(request, call)
    }
}
