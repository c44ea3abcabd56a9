import GRPCWire
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The recording proxy: accepts client connections (plaintext or TLS), opens one server connection per
/// client connection on the same event loop, relays bytes both ways untouched (after TLS, where
/// configured), and hands the same bytes to a ``ProxyRecorder``, which decodes them on its own thread.
///
/// ```swift
/// let recorder = ProxyRecorder(session: session)
/// let proxy = try await ProxyServer.start(
///     configuration: ProxyConfiguration(listenPort: 7000, upstreamHost: "127.0.0.1", upstreamPort: 50051),
///     recorder: recorder, group: group)
/// ...
/// await proxy.shutdown(gracePeriod: .seconds(10))
/// try recorder.finish()
/// ```
public final class ProxyServer: Sendable {
    /// The bound address.
    public let localAddress: SocketAddress
    /// The bound port (useful after binding port 0).
    public var port: Int { localAddress.port ?? 0 }
    private let listener: any Channel
    private let registry: ProxyRegistry

    private init(listener: any Channel, registry: ProxyRegistry) {
        self.listener = listener
        self.localAddress = listener.localAddress!
        self.registry = registry
    }

    /// Binds the listen address and starts relaying. `log` gets one sentence per connection that fails
    /// (unreachable server, TLS errors, bytes that are not HTTP/2, a GOAWAY with an error).
    public static func start(
        configuration: ProxyConfiguration, recorder: ProxyRecorder, group: any EventLoopGroup,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> ProxyServer {
        let downstreamSSL = try configuration.downstreamTLS.map { try $0.makeSSLContext() }
        let upstreamTLS = try configuration.upstreamTLS.map { try ClientTLSSetup($0, host: configuration.upstreamHost) }
        let registry = ProxyRegistry()
        recorder.addNoticeHandler(log)
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = registry.nextID()
                    let gate = ReadGateHandler(gate: recorder.gate, held: true)
                    let connection = RelayConnection(
                        id: id, configuration: configuration, recorder: recorder, eventLoop: channel.eventLoop,
                        upstreamTLS: upstreamTLS, downstreamGate: gate, log: log)
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(gate)
                    if let downstreamSSL { try pipeline.addHandler(NIOSSLServerHandler(context: downstreamSSL)) }
                    try pipeline.addHandler(RelayHandler(side: .downstream, connection: connection))
                    registry.add(channel, connection: NIOLoopBound(connection, eventLoop: channel.eventLoop))
                }
            }
            .bind(host: configuration.listenHost, port: configuration.listenPort)
            .get()
        return ProxyServer(listener: listener, registry: registry)
    }

    /// Client connections open now.
    public var connectionCount: Int { registry.count }

    /// Client connections accepted so far.
    public var connectionsAccepted: Int { registry.accepted }

    /// Stops accepting, asks every client to finish (GOAWAY), lets calls in flight finish for up to
    /// `gracePeriod`, then closes whatever is left.
    public func shutdown(gracePeriod: Duration) async {
        try? await listener.close()
        let open = registry.snapshot()
        for (channel, connection) in open {
            channel.eventLoop.execute { connection.value.startDraining() }
        }
        let deadline = ContinuousClock.now + gracePeriod
        for (channel, _) in open {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                try? await channel.close()
                continue
            }
            let timer = channel.eventLoop.scheduleTask(
                in: .nanoseconds(
                    Int64(remaining.components.seconds) * 1_000_000_000 + remaining.components.attoseconds
                        / 1_000_000_000)
            ) {
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            timer.cancel()
        }
        await registry.waitUntilEmpty()
    }

    /// Closes the listener and every connection at once; calls in flight are cut off.
    public func close() async {
        try? await listener.close()
        for (channel, _) in registry.snapshot() { try? await channel.close() }
        await registry.waitUntilEmpty()
    }
}

/// The proxy's open connections, for shutdown, and the connection ids.
final class ProxyRegistry: Sendable {
    private struct State {
        var nextID = 1
        var accepted = 0
        var open: [ObjectIdentifier: (any Channel, NIOLoopBound<RelayConnection>)] = [:]
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func nextID() -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.accepted += 1
            return state.nextID
        }
    }

    var count: Int { state.withLock { $0.open.count } }
    var accepted: Int { state.withLock { $0.accepted } }

    /// Registers a client connection; it leaves once both of its sides have closed.
    func add(_ channel: any Channel, connection: NIOLoopBound<RelayConnection>) {
        let key = ObjectIdentifier(channel)
        state.withLock { $0.open[key] = (channel, connection) }
        connection.value.onClosed = { [self] in remove(key) }
    }

    private func remove(_ key: ObjectIdentifier) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open.removeValue(forKey: key)
            guard state.open.isEmpty else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func snapshot() -> [(any Channel, NIOLoopBound<RelayConnection>)] {
        state.withLock { Array($0.open.values) }
    }

    /// Returns once no connection is open (both sides of each closed, its last events recorded).
    func waitUntilEmpty() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.open.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
