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
            .dial(host: configuration.upstreamHost, port: configuration.upstreamPort)
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

    /// A plaintext server's first bytes, when they are not HTTP/2's server preface (a SETTINGS frame on
    /// stream 0): what they are instead, in words, and the kind of failure for the advice; nil when they are
    /// (or too few to tell).
    static func notHTTP2(_ bytes: ByteBuffer) -> (String, TransportFailure.Kind)? {
        let first = bytes.readableBytesView.prefix(9)
        guard first.count >= 4 else { return nil }
        let start = first.startIndex
        // A TLS record: a handshake (16) or an alert (15), version 3.x.
        if first[start] == 0x15 || first[start] == 0x16, first[start + 1] == 0x03 {
            return ("it answered in TLS, so it expects TLS there", .plaintextClosedDuringSetup)
        }
        if first.starts(with: "HTTP/".utf8) {
            let line = bytes.readableBytesView.prefix(80).prefix { $0 != 0x0D && $0 != 0x0A }
            return (
                "it answered in HTTP/1 (\"\(String(decoding: line, as: UTF8.self))\"), so it is not a gRPC (HTTP/2) "
                    + "server",
                .connectionError
            )
        }
        if first[start + 3] != 0x04 {
            return (
                "its first bytes are not HTTP/2 (no SETTINGS frame), so it is not a gRPC (HTTP/2) server",
                .connectionError
            )
        }
        return nil
    }

    /// A plaintext server that turned out not to speak h2c (`problem` says what it did instead): nothing the
    /// client sent was read as HTTP/2, so the proxy answers the client itself as for a server that could
    /// not be reached, from the client's bytes it kept.
    func serverDidNotSpeakHTTP2(_ problem: String, kind: TransportFailure.Kind) {
        let held = heldForFallback ?? []
        heldForFallback = nil
        upstreamReady = false
        upstreamFailed(problem, kind: kind)
        upstreamChannel?.close(promise: nil)
        guard fallback, let downstream else { return }
        for bytes in held { downstream.fireChannelRead(NIOAny(bytes)) }
        downstream.fireChannelReadComplete()
        fallbackReadComplete()
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
