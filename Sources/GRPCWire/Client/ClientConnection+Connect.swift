import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

extension ClientConnection {
    /// Connects to `host:port` and completes once the connection is ready for calls: TCP connected, TLS
    /// negotiated with ALPN `h2` (when configured), and the server's HTTP/2 SETTINGS received, all within
    /// `configuration.connectTimeout`. Fails with a `TransportFailure` (or a `ConfigurationError`).
    public static func connect(
        host: String, port: Int, configuration: Configuration = .defaults, group: any EventLoopGroup
    ) -> EventLoopFuture<ClientConnection> {
        let eventLoop = group.next()
        let target = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let tls: ClientTLSSetup?
        do {
            tls = try configuration.tls.map { try ClientTLSSetup($0, host: host, authority: configuration.authority) }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let authority = configuration.authority ?? target
        let byteCounter = ByteCounter()
        let ready = eventLoop.makePromise(of: Void.self)
        let timeout = eventLoop.scheduleTask(in: configuration.connectTimeout) {
            ready.fail(TransportFailure.dialTimeout(target: target, after: configuration.connectTimeout))
        }
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteCountingHandler(counters: [byteCounter] + configuration.byteCounters))
                    if let tls { try pipeline.addHandlers(tls.handlers(target: target)) }
                    try pipeline.addHandler(
                        HTTP2ClientCodec(
                            localSettings: ClientConnectionHandler.initialSettings(configuration),
                            allocator: channel.allocator))
                    try pipeline.addHandler(
                        ClientConnectionHandler(
                            configuration: configuration, target: target, authority: authority,
                            useTLS: tls != nil, shared: ConnectionState(), readyPromise: ready)
                    )
                }
            }
            .dial(host: host, port: port)
        connected.whenComplete { result in
            switch result {
            case .failure(let error):
                ready.fail(
                    TransportFailure.classify(error, target: target, connectTimeout: configuration.connectTimeout))
            case .success(let channel):
                ready.futureResult.whenFailure { _ in channel.close(promise: nil) }
            }
        }
        return connected.and(ready.futureResult).flatMapThrowing { channel, _ in
            timeout.cancel()
            let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
            return ClientConnection(channel: channel, handler: handler, target: target, byteCounter: byteCounter)
        }.flatMapErrorThrowing { error in
            timeout.cancel()
            // `and` reports the dial's raw error when the dial failed; the promise holds the classified one.
            throw TransportFailure.classify(error, target: target, connectTimeout: configuration.connectTimeout)
        }
    }

    /// Connects to `host:port`; see `connect(host:port:configuration:group:)`.
    public static func connect(
        host: String, port: Int, configuration: Configuration = .defaults, group: any EventLoopGroup
    ) async throws -> ClientConnection {
        try await connect(host: host, port: port, configuration: configuration, group: group).get()
    }
}
