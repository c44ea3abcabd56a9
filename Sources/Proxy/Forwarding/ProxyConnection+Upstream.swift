import GRPCWire
import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

/// The server side: connecting, its SETTINGS, its GOAWAY.
extension ProxyConnection {
    func connectUpstream() {
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let configuration = self.configuration
        let sslContext = upstreamSSL
        let serverName = Self.serverName(configuration)
        let gate = recorder.gate
        let witness = upstreamWitness
        let boundWitness = NIOLoopBound(witness, eventLoop: eventLoop)
        let timeout = TimeAmount.nanoseconds(
            configuration.connectTimeout.components.seconds * 1_000_000_000
                + configuration.connectTimeout.components.attoseconds / 1_000_000_000)
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ReadGateHandler(gate: gate, held: false))
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try pipeline.addHandler(
                        HTTP2Handlers.make(
                            mode: .client, configuration: configuration.http2, witness: boundWitness.value))
                    try pipeline.addHandler(SideHandler(side: .upstream, connection: loopBound.value))
                }
            }
            .connect(host: configuration.upstreamHost, port: configuration.upstreamPort)
        connected.assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let channel):
                upstreamChannel = channel
                if downstreamClosed { channel.close(promise: nil) }
            case .failure(let error):
                upstreamClosed = true
                closeReason = "cannot reach the server \(configuration.upstreamTarget): \(error)"
                log("connection \(id): \(closeReason!)")
                downstreamChannel?.close(promise: nil)
            }
        }
    }

    /// The TLS server name: the configured one, else the host unless it is an IP address (SNI cannot
    /// carry one; the certificate's IP addresses are checked instead).
    static func serverName(_ configuration: ProxyConfiguration) -> String? {
        guard configuration.upstreamTLS != nil else { return nil }
        if let name = configuration.upstreamTLS?.serverName { return name }
        let host = configuration.upstreamHost
        return (try? SocketAddress(ipAddress: host, port: 0)) != nil ? nil : host
    }

    func upstreamSettings(_ settings: HTTP2Settings) {
        if let limit = settings.last(where: { $0.parameter == .maxConcurrentStreams })?.value,
            limit < configuration.http2.maxConcurrentStreams
        {
            // Tell clients the server's own limit, so they queue calls instead of the proxy.
            write(
                .downstream,
                HTTP2Frame(
                    streamID: .rootStream,
                    payload: .settings(
                        .settings([
                            HTTP2Setting(parameter: .maxConcurrentStreams, value: limit)
                        ]))))
        }
        if !upstreamReady {
            upstreamReady = true
            downstreamGate.release()
        }
    }

    func upstreamGoAway(lastStreamID: HTTP2StreamID, code: HTTP2ErrorCode, opaqueData: ByteBuffer?) {
        upstreamLastStreamID = min(lastStreamID, upstreamLastStreamID ?? lastStreamID)
        // The same stream ids on both connections: the server's GOAWAY means the same to the client.
        downstreamWitness.ownGoAways += 1
        write(
            .downstream,
            HTTP2Frame(
                streamID: .rootStream,
                payload: .goAway(lastStreamID: lastStreamID, errorCode: code, opaqueData: opaqueData)))
        if drain == .none { drain = .final }
        if streams.isEmpty { close() }
    }
}
