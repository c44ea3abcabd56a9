import NIOCore
import NIOHTTP2

/// Keepalive pings: one PING per interval while calls are open (or always, if permitted); a missing ACK
/// closes the connection, so calls fail with UNAVAILABLE instead of hanging on a dead peer.
extension ClientConnectionHandler {
    struct KeepaliveState {
        var nextPing: Scheduled<Void>?
        var ackTimeout: Scheduled<Void>?
        var pingsSent: UInt64 = 0

        func cancel() {
            nextPing?.cancel()
            ackTimeout?.cancel()
        }
    }

    func startKeepalive() {
        guard let settings = configuration.keepalive, let context else { return }
        keepalive = KeepaliveState()
        scheduleNextPing(after: settings.interval, context: context)
    }

    private func scheduleNextPing(after interval: TimeAmount, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        keepalive?.nextPing = context.eventLoop.scheduleTask(in: interval) {
            loopBound.value.sendKeepalivePing()
        }
    }

    private func sendKeepalivePing() {
        guard let settings = configuration.keepalive, let context, case .ready = phase else { return }
        guard !calls.isEmpty || settings.permitWithoutCalls else {
            scheduleNextPing(after: settings.interval, context: context)
            return
        }
        keepalive?.pingsSent += 1
        let data = HTTP2PingData(withInteger: keepalive?.pingsSent ?? 0)
        context.writeAndFlush(
            wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .ping(data, ack: false))), promise: nil)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        keepalive?.ackTimeout = context.eventLoop.scheduleTask(in: settings.timeout) {
            let handler = loopBound.value
            handler.terminalFailure = TransportFailure(
                .connectionError,
                "keepalive ping to \(handler.target) was not acknowledged within "
                    + "\(TransportFailure.describe(settings.timeout)): the connection is dead")
            handler.context?.close(promise: nil)
        }
    }

    func receivedPingAck(_ data: HTTP2PingData) {
        guard let settings = configuration.keepalive, let context, var state = keepalive,
            data.integer == state.pingsSent
        else { return }
        state.ackTimeout?.cancel()
        state.ackTimeout = nil
        keepalive = state
        scheduleNextPing(after: settings.interval, context: context)
    }
}
