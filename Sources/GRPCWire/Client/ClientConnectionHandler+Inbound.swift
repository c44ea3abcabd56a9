import GRPCProtocol
import NIOCore
import NIOHTTP2

/// Frames and events from `HTTP2ClientCodec`: responses to calls, SETTINGS, GOAWAY, PING ACKs, failures.
extension ClientConnectionHandler {
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received(unwrapInboundIn(data))
    }

    /// A frame from the codec: directly, or through the pipeline (`channelRead`) in tests without it.
    func received(_ frame: HTTP2Frame) {
        isReading = true
        switch frame.payload {
        case .headers(let headers):
            calls[frame.streamID]?.receivedHeaders(headers)
        case .data(let payload):
            let length = payload.data.readableBytes + (payload.paddingBytes.map { $0 + 1 } ?? 0)
            if let increment = connectionWindow.consumed(length) {
                writeWindowUpdate(streamID: .rootStream, increment: increment)
            }
            calls[frame.streamID]?.receivedData(payload, flowControlledLength: length)
        case .rstStream(let code):
            calls[frame.streamID]?.receivedReset(code)
        case .settings(.settings(let settings)):
            receivedSettings(settings)
        case .goAway(let lastStreamID, let code, _):
            receivedGoAway(lastStreamID: lastStreamID, code: code)
        case .ping(let data, ack: true):
            receivedPingAck(data)
        case .settings(.ack), .ping, .windowUpdate, .priority, .pushPromise, .alternativeService, .origin:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        if flushPending {
            flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let stream = error as? HTTP2StreamViolation {
            // The codec reset that stream; the connection and its other calls go on.
            let message = "HTTP/2 stream error: \(stream.violation.reason)"
            calls[stream.streamID]?.finishWithoutReset(
                GRPCStatus(
                    code: .internalError, message: message,
                    transportFailure: TransportFailure(
                        .streamError, message, http2ErrorCode: stream.violation.code)))
            return
        }
        // Anything else ends the connection (I/O, TLS, a server that broke HTTP/2).
        if terminalFailure == nil {
            terminalFailure = TransportFailure.classify(error, target: target)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionClosed()
        context.fireChannelInactive()
    }

    /// Fails everything still open or queued; safe to call more than once.
    func connectionClosed() {
        let wasReady: Bool
        if case .awaitingSettings = phase { wasReady = false } else { wasReady = true }
        if case .closed = phase { return }
        if case .goingAway(let lastStreamID, let code) = phase {
            // Calls started from now on fail because the server sent GOAWAY: say so, they may be retried.
            failureForNewCalls = goAwayFailure(lastStreamID: lastStreamID, code: code)
        }
        phase = .closed
        shared.stopAcceptingCalls()
        keepalive?.cancel()
        cancelDeadlineTimer()
        let failure =
            terminalFailure
            ?? (wasReady
                ? closedFailure()
                : TransportFailure.classify(
                    ClosedDuringSetup(stage: "before its HTTP/2 SETTINGS", plaintext: scheme == "http"), target: target))
        readyPromise.fail(failure)
        let status = unavailable(failure)
        let open = Array(calls.values)
        let waiting = Array(queued)
        queued.removeAll()
        for call in open + waiting { call.finishWithoutReset(status) }
    }

    private func receivedSettings(_ settings: HTTP2Settings) {
        for setting in settings {
            switch setting.parameter {
            case .maxConcurrentStreams: peerMaxConcurrentStreams = setting.value
            case .maxHeaderListSize: peerMaxHeaderListSize = setting.value
            default: continue
            }
        }
        if case .awaitingSettings = phase {
            phase = .ready
            readyPromise.succeed()
            startKeepalive()
        }
        openQueuedCalls()
    }

    private func receivedGoAway(lastStreamID: HTTP2StreamID, code: HTTP2ErrorCode) {
        switch phase {
        case .closed: return
        case .awaitingSettings, .ready, .goingAway: break
        }
        phase = .goingAway(lastStreamID: lastStreamID, code: code)
        shared.stopAcceptingCalls()
        let failure = goAwayFailure(lastStreamID: lastStreamID, code: code)
        readyPromise.fail(failure)
        // Streams above the last id were never processed: the codec dropped them, no reset is needed.
        let unprocessed = calls.filter { $0.key > lastStreamID }.map(\.value)
        let waiting = Array(queued)
        queued.removeAll()
        for call in unprocessed + waiting { call.finishWithoutReset(unavailable(failure)) }
        if calls.isEmpty { context?.close(promise: nil) }
    }
}

extension ClientCall {
    /// Ends the call without touching its stream (the stream is already gone).
    func finishWithoutReset(_ status: GRPCStatus) {
        guard !isFinished else { return }
        perform(state.finishLocally(status, streamOpen: false))
    }
}
