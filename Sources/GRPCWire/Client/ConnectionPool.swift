import GRPCProtocol
import NIOCore
import Synchronization

/// A small pool of connections to one server that always hands out a connection accepting calls: one that
/// received GOAWAY is dropped (its calls in flight finish on it) and a new one is opened in its place; a
/// new one is also opened when every connection carries `streamsPerConnection` streams, up to
/// `maxConnections`.
public final class ConnectionPool: Sendable {
    /// The server, as `host:port`.
    public let target: String
    private let host: String
    private let port: Int
    private let configuration: ClientConnection.Configuration
    private let group: any EventLoopGroup
    private let maxConnections: Int
    private let streamsPerConnection: Int
    private let state = Mutex(State())

    private struct State {
        var connections: [ClientConnection] = []
        var connecting: EventLoopFuture<ClientConnection>?
        var isClosed = false
    }

    /// A pool for `host:port`; no connection is opened until one is asked for.
    public init(
        host: String, port: Int, configuration: ClientConnection.Configuration = .defaults,
        group: any EventLoopGroup, maxConnections: Int = 4, streamsPerConnection: Int = 100
    ) {
        self.host = host
        self.port = port
        self.target = "\(host):\(port)"
        self.configuration = configuration
        self.group = group
        self.maxConnections = max(1, maxConnections)
        self.streamsPerConnection = max(1, streamsPerConnection)
    }

    /// A connection that accepts calls: the least busy one, or a new one when needed.
    public func connection() -> EventLoopFuture<ClientConnection> {
        enum Choice {
            case use(ClientConnection)
            case wait(EventLoopFuture<ClientConnection>)
            case open(EventLoopPromise<ClientConnection>)
            case closed
        }
        let choice: Choice = state.withLock { state in
            if state.isClosed { return .closed }
            state.connections.removeAll { !$0.isAcceptingCalls }
            let best = state.connections.min { $0.openStreams < $1.openStreams }
            if let best, best.openStreams < streamsPerConnection || state.connections.count >= maxConnections {
                return .use(best)
            }
            if let connecting = state.connecting { return best.map { .use($0) } ?? .wait(connecting) }
            let promise = group.next().makePromise(of: ClientConnection.self)
            state.connecting = promise.futureResult
            return .open(promise)
        }
        switch choice {
        case .use(let connection):
            return connection.eventLoop.makeSucceededFuture(connection)
        case .wait(let future):
            return future
        case .closed:
            return group.next().makeFailedFuture(
                TransportFailure(.connectionClosed, "the connection pool for \(target) is closed"))
        case .open(let promise):
            let opened = ClientConnection.connect(host: host, port: port, configuration: configuration, group: group)
            opened.whenComplete { result in
                let closeNow: ClientConnection? = self.state.withLock { state in
                    state.connecting = nil
                    guard case .success(let connection) = result else { return nil }
                    if state.isClosed { return connection }
                    state.connections.append(connection)
                    return nil
                }
                if let closeNow { _ = closeNow.close() }
            }
            promise.completeWith(opened)
            return promise.futureResult
        }
    }

    /// A connection that accepts calls; see `connection()`.
    public func connection() async throws -> ClientConnection {
        try await connection().get()
    }

    /// Runs a unary call on a pooled connection. A call the server never processed (refused by GOAWAY, or a
    /// connection that went away first) is sent again on a fresh connection, up to
    /// ``transparentRetries`` times: like grpc-core's transparent retries, this is safe because the
    /// server said it never saw the call. (One retry was not enough: under load a server that ages its
    /// connections quickly can send GOAWAY on the fresh connection before the retried call starts.)
    public func unary(path: String, request: ByteBuffer, options: CallOptions = .defaults) async -> UnaryResponse {
        var attempt = 0
        while true {
            attempt += 1
            let response: UnaryResponse
            do {
                response = try await connection().unary(path: path, request: request, options: options)
            } catch let failure as TransportFailure {
                response = UnaryResponse(
                    result: CallResult(
                        status: GRPCStatus(code: .unavailable, message: failure.message, transportFailure: failure)),
                    message: nil)
            } catch {
                response = UnaryResponse(
                    result: CallResult(status: GRPCStatus(code: .unavailable, message: "\(error)")), message: nil)
            }
            if attempt <= Self.transparentRetries, response.result.status.isSafeToRetry { continue }
            return response
        }
    }

    /// How many times a call the server never processed is sent again.
    public static let transparentRetries = 4

    /// The connections in use.
    public var connections: [ClientConnection] { state.withLock { $0.connections } }

    /// Closes every connection; later requests fail.
    public func close() async {
        let open = state.withLock { state in
            state.isClosed = true
            defer { state.connections = [] }
            return state.connections
        }
        for connection in open { await connection.close() }
    }
}
