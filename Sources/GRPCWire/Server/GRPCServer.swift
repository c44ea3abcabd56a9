import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization

/// A gRPC server: listens on a TCP port (plaintext or TLS with ALPN `h2`), serves each connection with a
/// `ServerConnectionHandler`, and shuts down gracefully.
///
/// ```swift
/// var router = ServerRouter()
/// router.unary("/echo.Echo/Get") { request, call in call.respond(request) }
/// let server = try await GRPCServer.start(port: 0, router: router, group: group)
/// print(server.port)
/// await server.shutdown(gracePeriod: .seconds(5))
/// ```
public final class GRPCServer: Sendable {
    /// The bound address.
    public let localAddress: SocketAddress
    /// The bound port (useful after binding port 0).
    public var port: Int { localAddress.port ?? 0 }
    private let listener: any Channel
    private let registry: ConnectionRegistry

    private init(listener: any Channel, registry: ConnectionRegistry) {
        self.listener = listener
        self.localAddress = listener.localAddress!
        self.registry = registry
    }

    /// Binds `host:port` (port 0 picks a free one) and starts serving `router`.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, configuration: Configuration = .defaults, router: ServerRouter,
        group: any EventLoopGroup
    ) async throws -> GRPCServer {
        let sslContext = try configuration.tls.map(TLSContexts.server)
        let registry = ConnectionRegistry()
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                registry.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try serve(on: channel, router: router, configuration: configuration)
                }
            }
            .bind(host: host, port: port)
            .get()
        return GRPCServer(listener: listener, registry: registry)
    }

    /// Serves `router` on a connection accepted elsewhere: adds the HTTP/2 and gRPC handlers at the end of
    /// its pipeline (whatever is before them, TLS included, is the caller's). Call it on the channel's event
    /// loop; an active channel is served from now on.
    public static func serve(on channel: any Channel, router: ServerRouter, configuration: Configuration = .defaults)
        throws
    {
        let pipeline = channel.pipeline.syncOperations
        let witness = GoAwayWitness()
        // No reading while the socket cannot take what was already answered: a client that opens its windows
        // and stops reading would otherwise have every answer to its next requests held in memory.
        try pipeline.addHandler(BackPressureHandler())
        try pipeline.addHandler(
            HTTP2HandlerFactory.makeServer(
                settings: ServerConnectionHandler.initialSettings(configuration), witness: witness))
        try pipeline.addHandler(ServerConnectionHandler(configuration: configuration, router: router, witness: witness))
    }

    /// Asks the client of a connection served by ``serve(on:router:configuration:)`` to finish (GOAWAY);
    /// the connection closes once its calls are done. Call it on the channel's event loop.
    public static func startDraining(_ channel: any Channel) {
        (try? channel.pipeline.syncOperations.handler(type: ServerConnectionHandler.self))?.startDraining()
    }

    /// Stops accepting connections, sends GOAWAY on every open connection, lets calls in flight finish for
    /// up to `gracePeriod`, then closes whatever is left.
    public func shutdown(gracePeriod: TimeAmount = .seconds(5)) async {
        try? await listener.close()
        let open = registry.channels.withLock { Array($0.values) }
        for channel in open {
            channel.eventLoop.execute { Self.startDraining(channel) }
        }
        let deadline = ContinuousClock.now + .nanoseconds(gracePeriod.nanoseconds)
        for channel in open {
            let remaining = deadline - ContinuousClock.now
            if remaining > .zero {
                let closed = channel.closeFuture
                let timer = channel.eventLoop.scheduleTask(in: TimeAmount(remaining)) {
                    channel.close(promise: nil)
                }
                try? await closed.get()
                timer.cancel()
            } else {
                try? await channel.close()
            }
        }
    }

    /// Closes the listener and every connection at once; calls in flight are cut off.
    public func close() async {
        try? await listener.close()
        let open = registry.channels.withLock { Array($0.values) }
        for channel in open { try? await channel.close() }
    }

    /// The number of client connections currently open.
    public var connectionCount: Int { registry.channels.withLock { $0.count } }
}

/// The server's open connections, for graceful shutdown.
final class ConnectionRegistry: Sendable {
    let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = channels.withLock { $0.removeValue(forKey: key) }
        }
    }
}

extension TimeAmount {
    fileprivate init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
