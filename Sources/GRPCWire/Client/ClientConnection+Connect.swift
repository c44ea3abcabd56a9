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
        let serverName = configuration.tls == nil ? nil : Self.serverName(configuration: configuration, host: host)
        // A name (not an IP) under full verification is checked by TLSHandshakeCheckHandler, Go's way.
        let checkedName = configuration.tls?.verification == .full ? serverName : nil
        let sslContext: NIOSSLContext?
        do {
            sslContext = try configuration.tls.map { try TLSContexts.client($0, checksNameItself: checkedName != nil) }
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
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                        try pipeline.addHandler(TLSHandshakeCheckHandler(target: target, expectedName: checkedName))
                    }
                    let witness = GoAwayWitness()
                    try pipeline.addHandler(
                        HTTP2HandlerFactory.make(
                            mode: .client, settings: ClientConnectionHandler.initialSettings(configuration),
                            validateHeaders: false, witness: witness))
                    try pipeline.addHandler(
                        ClientConnectionHandler(
                            configuration: configuration, target: target, authority: authority,
                            useTLS: sslContext != nil, shared: ConnectionState(), readyPromise: ready, witness: witness)
                    )
                }
            }
            .connect(host: host, port: port)
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

    /// The TLS server name: the TLS setting, else the authority's host, else the host; never an IP literal
    /// (SNI cannot carry one; swift-nio-ssl then checks the certificate's IP addresses instead).
    static func serverName(configuration: Configuration, host: String) -> String? {
        var name = configuration.tls?.serverName ?? configuration.authority.map(stripPort) ?? host
        if name.hasPrefix("[") { name = String(name.dropFirst().prefix { $0 != "]" }) }
        let isIPAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
        return isIPAddress ? nil : name
    }

    private static func stripPort(_ authority: String) -> String {
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }) + "]" }
        guard let colon = authority.lastIndex(of: ":"), authority.firstIndex(of: ":") == colon else {
            return authority
        }
        return String(authority[..<colon])
    }
}
