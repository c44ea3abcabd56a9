import Foundation
import GRPCWire
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// A gRPC client with k6's `k6/net/grpc` API: load a schema, connect, invoke, stream, check health,
/// close. Like a k6 VU's client it owns one connection at a time.
///
/// ```swift
/// let client = Client()
/// try client.load(importPaths: ["protos"], "hello.proto")
/// try await client.connect("127.0.0.1:50051", params: .with { $0.plaintext = true })
/// let response = try await client.invoke("hello.HelloService/SayHello", request: .json(#"{"greeting":"Bert"}"#))
/// print(response.status, response.message ?? "")
/// await client.close()
/// ```
///
/// Calls complete on the connection's event loop. For load, prepare a call once (`prepare`) and start it
/// with a `ResponseHandler` (`start`): no JSON, no `Task` per call.
public final class Client: Sendable {
    /// How a client records metrics and where it runs.
    public struct Configuration: Sendable {
        /// The event loops connections run on (a single `EventLoop` pins the client to it).
        public var group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
        /// Where k6's gRPC metrics go; nil records nothing.
        public var metrics: EngineMetrics?
        /// Tags on every sample (k6's VU tags: `scenario`, `group`, user tags).
        public var tags: TagSet = ["scenario": "default", "group": ""]
        /// The `user-agent` header.
        public var userAgent = "reprise/0.1 (k6/net/grpc compatible)"
        /// What relative `.proto` import paths and protoset paths are relative to (k6: the script's
        /// folder); nil means the current directory.
        public var baseDirectory: String?
        /// Where k6's warnings go (`can't send empty message`, unknown stream events...).
        public var warn: @Sendable (String) -> Void = { message in
            // The throwing write: the other traps when standard error is a closed pipe.
            try? FileHandle.standardError.write(contentsOf: Data("WARN \(message)\n".utf8))
        }

        /// The defaults: NIO's shared event loops, no metrics.
        public init() {}

        /// The defaults changed by `configure`.
        public static func with(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            configure(&configuration)
            return configuration
        }
    }

    /// What a connected client knows about its connection.
    struct Session: Sendable {
        let connection: ClientConnection
        /// The address as given to `connect` (k6's `url` tag prefix).
        let address: String
        let maxReceiveSize: Int
        let maxSendSize: Int
        let metrics: LoopMetrics?
    }

    struct State {
        var schema: ClientSchema
        var session: Session?
        var streams: [ObjectIdentifier: Stream] = [:]
        var series: [SeriesKey: CallSeries] = [:]
    }

    struct SeriesKey: Hashable {
        var address: String
        var path: String
        var tags: TagSet
    }

    /// The configuration the client was made with.
    public let configuration: Configuration
    let state: Mutex<State>

    /// A client with its own (empty) schema.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        state = Mutex(State(schema: .empty))
    }

    /// A client starting from `schema` (shared with other clients: load once, use from many).
    public init(schema: ClientSchema, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        state = Mutex(State(schema: schema))
    }

    /// The types and methods loaded so far.
    public var schema: ClientSchema { state.withLock { $0.schema } }

    /// Whether `connect` succeeded and `close` was not called since.
    public var isConnected: Bool { state.withLock { $0.session != nil } }

    /// The connection, while connected (for its byte counter, event loop and open stream count).
    public var connection: ClientConnection? { state.withLock { $0.session?.connection } }

    /// Closes the connection (open streams end with an `error` then `end`, as in k6). A no-op when not
    /// connected; `connect` may be called again afterwards.
    public func close() async {
        try? await closeNow()?.get()
    }

    /// `close()` from anywhere, the event loop included: the future completes once the connection has
    /// closed; nil when not connected.
    @discardableResult
    func closeNow() -> EventLoopFuture<Void>? {
        let (session, streams) = state.withLock { state -> (Session?, [Stream]) in
            defer {
                state.session = nil
                state.streams = [:]
            }
            return (state.session, Array(state.streams.values))
        }
        guard let session else { return nil }
        for stream in streams { stream.closeByClient() }
        let metrics = session.metrics
        let connection = session.connection
        return connection.close().map { metrics?.untrack(connection.byteCounter) }
    }

    /// After a failed dial the client has no connection, as in k6: the old one closes, unless the server
    /// sent it GOAWAY; then it is left to finish the calls it has (see `retire`).
    func closeAfterFailedDial() async {
        try? await closeAfterFailedDialNow().get()
    }

    /// `closeAfterFailedDial()` from the event loop.
    func closeAfterFailedDialNow() -> EventLoopFuture<Void> {
        let goingAway = state.withLock { state -> Session? in
            guard let session = state.session, !session.connection.isAcceptingCalls else { return nil }
            state.session = nil
            return session
        }
        let done = if let goingAway { retireNow(goingAway) } else { closeNow() }
        return done ?? configuration.group.next().makeSucceededFuture(())
    }

    /// Lets go of a replaced session's connection: closed at once, unless the server sent GOAWAY; then it
    /// closes by itself after its last call, so the calls the server took still finish (a reconnect after a
    /// GOAWAY must not cut them).
    func retire(_ session: Session) async {
        try? await retireNow(session)?.get()
    }

    /// `retire(_:)` from the event loop: the future completes once the connection is closed (nil when it
    /// is left to close by itself).
    @discardableResult
    func retireNow(_ session: Session) -> EventLoopFuture<Void>? {
        let connection = session.connection
        let metrics = session.metrics
        guard connection.isAcceptingCalls else {
            connection.closeFuture.whenComplete { _ in metrics?.untrack(connection.byteCounter) }
            return nil
        }
        return connection.close().map { metrics?.untrack(connection.byteCounter) }
    }

    // MARK: Internals shared by the call paths

    /// The session, or k6's "not connected" error.
    func currentSession() throws(EngineError) -> (Session, ClientSchema) {
        let (session, schema) = state.withLock { ($0.session, $0.schema) }
        guard let session else { throw EngineError(.notConnected, EngineError.notConnectedMessage) }
        return (session, schema)
    }

    /// The series of `method` with `tags` on `session`'s address, resolved once per combination.
    func callSeries(for method: RPCMethod, session: Session, tags: TagSet) -> CallSeries? {
        cachedSeries(SeriesKey(address: session.address, path: method.path, tags: tags)) {
            CallSeries.tags(base: configuration.tags, address: session.address, method: method, user: tags)
        }
    }

    /// The series of a call known only by its path (raw calls), resolved once per combination.
    func rawSeries(path: String, address: String, tags: TagSet) -> CallSeries? {
        cachedSeries(SeriesKey(address: address, path: path, tags: tags)) {
            CallSeries.tags(base: configuration.tags, address: address, path: path, user: tags)
        }
    }

    private func cachedSeries(_ key: SeriesKey, tags: () -> TagSet) -> CallSeries? {
        guard let metrics = configuration.metrics else { return nil }
        if let found = state.withLock({ $0.series[key] }) { return found }
        let made = CallSeries(registry: metrics.registry, tags: tags())
        return state.withLock { state in
            if let raced = state.series[key] { return raced }
            if state.series.count > 4096 { state.series.removeAll() }
            state.series[key] = made
            return made
        }
    }

    /// The series of samples without call tags (reflection, health checks): the base tags and `status`.
    func bareSeries() -> CallSeries? {
        guard let metrics = configuration.metrics else { return nil }
        let key = SeriesKey(address: "", path: "", tags: .empty)
        if let found = state.withLock({ $0.series[key] }) { return found }
        let made = CallSeries(registry: metrics.registry, tags: configuration.tags)
        state.withLock { $0.series[key] = made }
        return made
    }

    func register(_ stream: Stream) {
        state.withLock { $0.streams[ObjectIdentifier(stream)] = stream }
    }

    func unregister(_ stream: Stream) {
        _ = state.withLock { $0.streams.removeValue(forKey: ObjectIdentifier(stream)) }
    }
}
