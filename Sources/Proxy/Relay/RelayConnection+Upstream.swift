import GRPCProtocol
import GRPCWire
import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

/// The server side: connecting, and what happens when the server cannot be reached.
extension RelayConnection {
    func connectUpstream() {
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let tls = upstreamTLS
        let target = configuration.upstreamTarget
        let recorderGate = recorder.gate
        let (seconds, attoseconds) = configuration.connectTimeout.components
        let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    let gate = ReadGateHandler(gate: recorderGate, held: false)
                    loopBound.value.upstreamGate = gate
                    try pipeline.addHandler(gate)
                    if let tls { try pipeline.addHandlers(tls.handlers(target: target)) }
                    try pipeline.addHandler(RelayHandler(side: .upstream, connection: loopBound.value))
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
                let failure = TransportFailure.classify(
                    error, target: configuration.upstreamTarget, connectTimeout: timeout)
                upstreamFailed(failure.message, kind: failure.kind)
            }
        }
    }

    /// The server connection can carry the client's bytes (TCP up, and TLS where configured): the client's
    /// connection, held until now, starts reading.
    func upstreamIsReady() {
        guard !upstreamReady, !fallback else { return }
        upstreamReady = true
        downstreamGate.release()
    }

    /// The server could not be reached (`failure` says why, in words; `kind` picks the configuration's
    /// advice for the log): nothing of the client's was sent
    /// anywhere yet, so the proxy answers the client itself. Its calls get UNAVAILABLE with the reason,
    /// then a GOAWAY, so a client that retries opens a new connection, and with it a new attempt. The
    /// recorder gets the client's bytes as usual and the reason as each call's end, as the call is answered.
    func upstreamFailed(_ failure: String, kind: TransportFailure.Kind? = nil) {
        // A client already gone asked nothing more: its leaving (which closed the server's connection, maybe
        // mid-handshake) is the reason its calls end, not the server.
        guard !fallback, !upstreamReady, !downstreamClosed else { return }
        fallback = true
        let reason = "the server \(configuration.upstreamTarget) could not be reached: \(failure)"
        closeReason = reason
        let advice = kind.map(configuration.upstreamFailureAdvice) ?? ""
        log("connection \(id): \(reason); its calls get UNAVAILABLE\(advice)")
        guard !downstreamClosed, let channel = downstreamChannel else { return }
        var router = ServerRouter()
        let status = GRPCStatus(code: .unavailable, message: "reprise record: \(reason)")
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        router.fallback { call in
            call.finish(status)
            loopBound.value.answeredLocally(stream: Int(call.streamID), reason: reason)
            return IgnoredCall()
        }
        do {
            try GRPCServer.serve(on: channel, router: router)
        } catch {
            channel.close(promise: nil)
            return
        }
        downstreamGate.release()
        // A client that never opens a stream is not kept waiting.
        eventLoop.assumeIsolated().scheduleTask(in: .seconds(10)) { [self] in
            downstreamChannel?.close(promise: nil)
        }
    }

    /// In fallback, after a read that opened streams: their answers are written; say GOAWAY.
    func fallbackReadComplete() {
        guard fallback, streams.highest > 0, drain == .none, let channel = downstreamChannel else { return }
        drain = .final
        GRPCServer.startDraining(channel)
    }
}

/// A call the proxy answered at once; whatever else the client sends on it is dropped.
private final class IgnoredCall: ServerCallHandler {
    func received(_ message: ByteBuffer, call: ServerCall) {}
    func receivedEnd(call: ServerCall) {}
}
