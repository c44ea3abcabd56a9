import NIOCore
import NIOHTTP2
import Recording
import Tap

/// Frames read on each side, forwarded to the other.
extension ProxyConnection {
    func downstreamFrame(_ frame: HTTP2Frame) {
        reading = true
        let streamID = frame.streamID
        switch frame.payload {
        case .headers(let headers):
            if streams[streamID] == nil {
                openStream(streamID, headers)
            } else {
                // Client trailers: rare in gRPC, forwarded all the same.
                if headers.endStream {
                    streams[streamID]?.clientEnded = true
                    tap(.halfClose(connection: id, stream: Int(streamID), time: recorder.now()))
                }
                forwardHeaders(.upstream, streamID, headers)
            }
        case .data(let data):
            forwardData(from: .downstream, streamID, data)
        case .rstStream(let code):
            forwardReset(from: .downstream, streamID, code)
        case .goAway(let lastStreamID, let code, let opaqueData):
            // The client is leaving; tell the server the same way.
            upstreamWitness.ownGoAways += 1
            write(
                .upstream,
                HTTP2Frame(
                    streamID: .rootStream,
                    payload: .goAway(lastStreamID: lastStreamID, errorCode: code, opaqueData: opaqueData)))
        case .ping(let data, ack: true) where data == Self.drainPing:
            sendFinalGoAway()
        case .settings, .ping, .windowUpdate, .priority, .pushPromise, .alternativeService, .origin:
            break
        }
    }

    func upstreamFrame(_ frame: HTTP2Frame) {
        reading = true
        let streamID = frame.streamID
        switch frame.payload {
        case .headers(let headers):
            guard var stream = streams[streamID] else { return }
            tap(
                .responseHeaders(
                    connection: id, stream: Int(streamID), headers: headers.headers, endStream: headers.endStream,
                    time: recorder.now()))
            if headers.endStream {
                stream.serverEnded = true
                stream.recordedEnd = true
                streams[streamID] = stream
            }
            forwardHeaders(.downstream, streamID, headers)
        case .data(let data):
            forwardData(from: .upstream, streamID, data)
        case .rstStream(let code):
            forwardReset(from: .upstream, streamID, code)
        case .goAway(let lastStreamID, let code, let opaqueData):
            upstreamGoAway(lastStreamID: lastStreamID, code: code, opaqueData: opaqueData)
        case .settings(.settings(let settings)):
            upstreamSettings(settings)
        case .settings, .ping, .windowUpdate, .priority, .pushPromise, .alternativeService, .origin:
            break
        }
    }

    // MARK: Streams

    private func openStream(_ streamID: HTTP2StreamID, _ headers: HTTP2Frame.FramePayload.Headers) {
        var stream = ProxyStream(windowSize: configuration.http2.streamWindowSize)
        stream.clientEnded = headers.endStream
        streams[streamID] = stream
        if streamID > highestStreamID { highestStreamID = streamID }
        tap(.requestHeaders(connection: id, stream: Int(streamID), headers: headers.headers, time: recorder.now()))
        if headers.endStream { tap(.halfClose(connection: id, stream: Int(streamID), time: recorder.now())) }
        let promise = eventLoop.makePromise(of: Void.self)
        forwardHeaders(.upstream, streamID, headers, promise: promise)
        promise.futureResult.assumeIsolated().whenFailure { [self] error in
            // The server connection would not take the stream (it is going away, or gone).
            guard var stream = streams[streamID] else { return }
            stream.upstreamOpen = false
            let refused = upstreamLastStreamID.map { streamID > $0 } ?? false
            if !stream.recordedEnd {
                stream.recordedEnd = true
                tap(
                    .streamFailed(
                        connection: id, stream: Int(streamID),
                        reason: refused
                            ? "the server refused the stream (GOAWAY); it was not processed"
                            : "the stream could not be opened on the server connection: \(error)",
                        time: recorder.now()))
            }
            streams[streamID] = stream
            if stream.downstreamOpen {
                stream.resetForwarded = true
                streams[streamID] = stream
                write(.downstream, HTTP2Frame(streamID: streamID, payload: .rstStream(.refusedStream)))
            }
            removeIfClosed(streamID)
        }
    }

    private func forwardHeaders(
        _ to: Side, _ streamID: HTTP2StreamID, _ headers: HTTP2Frame.FramePayload.Headers,
        promise: EventLoopPromise<Void>? = nil
    ) {
        guard let stream = streams[streamID], to == .upstream ? stream.upstreamOpen : stream.downstreamOpen else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let forwarded = HTTP2Frame.FramePayload.Headers(headers: headers.headers, endStream: headers.endStream)
        write(to, HTTP2Frame(streamID: streamID, payload: .headers(forwarded)), promise: promise)
    }

    private func forwardData(from side: Side, _ streamID: HTTP2StreamID, _ data: HTTP2Frame.FramePayload.Data) {
        let length = data.data.readableBytes + (data.paddingBytes.map { $0 + 1 } ?? 0)
        guard case .byteBuffer(let bytes) = data.data, var stream = streams[streamID] else {
            credit(side, streamID, length)
            return
        }
        if bytes.readableBytes > 0 {
            tap(
                .data(
                    connection: id, stream: Int(streamID), direction: side == .downstream ? .request : .response,
                    bytes: bytes, time: recorder.now()))
        }
        if data.endStream {
            if side == .downstream {
                stream.clientEnded = true
                // After the frame's bytes: a unary request's END_STREAM rides on its message's DATA frame.
                tap(.halfClose(connection: id, stream: Int(streamID), time: recorder.now()))
            } else {
                stream.serverEnded = true
            }
            streams[streamID] = stream
        }
        let target = side.other
        guard target == .upstream ? stream.upstreamOpen : stream.downstreamOpen else {
            credit(side, streamID, length)
            return
        }
        let promise = eventLoop.makePromise(of: Void.self)
        write(
            target,
            HTTP2Frame(streamID: streamID, payload: .data(.init(data: .byteBuffer(bytes), endStream: data.endStream))),
            promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in credit(side, streamID, length) }
    }

    private func forwardReset(from side: Side, _ streamID: HTTP2StreamID, _ code: HTTP2ErrorCode) {
        guard var stream = streams[streamID] else { return }
        if !stream.recordedEnd {
            stream.recordedEnd = true
            tap(
                .reset(
                    connection: id, stream: Int(streamID), by: side == .downstream ? .client : .server,
                    code: UInt32(code.networkCode), time: recorder.now()))
        }
        let targetOpen = side == .downstream ? stream.upstreamOpen : stream.downstreamOpen
        if targetOpen, !stream.resetForwarded {
            stream.resetForwarded = true
            write(side.other, HTTP2Frame(streamID: streamID, payload: .rstStream(code)))
        }
        streams[streamID] = stream
    }

    // MARK: Flow control

    /// Bytes read on `side` were written to the other side (or dropped): give that much window back to
    /// `side`, for its connection and, while it may still send on it, for the stream.
    func credit(_ side: Side, _ streamID: HTTP2StreamID, _ length: Int) {
        if side == .downstream {
            if let increment = downstreamConnectionCredit.credit(length) {
                windowUpdate(.downstream, .rootStream, increment)
            }
        } else {
            if let increment = upstreamConnectionCredit.credit(length) {
                windowUpdate(.upstream, .rootStream, increment)
            }
        }
        guard var stream = streams[streamID] else { return }
        let increment: Int?
        if side == .downstream {
            guard !stream.clientEnded, stream.downstreamOpen else { return }
            increment = stream.requestCredit.credit(length)
        } else {
            guard !stream.serverEnded, stream.upstreamOpen else { return }
            increment = stream.responseCredit.credit(length)
        }
        streams[streamID] = stream
        if let increment { windowUpdate(side, streamID, increment) }
    }

    private func windowUpdate(_ side: Side, _ streamID: HTTP2StreamID, _ increment: Int) {
        write(side, HTTP2Frame(streamID: streamID, payload: .windowUpdate(windowSizeIncrement: increment)))
    }

    // MARK: Closing streams

    /// NIO closed a stream on one side: reset the other side when the closure carries an error nobody
    /// forwarded yet (a protocol error on one stream, streams a GOAWAY dropped), and forget the stream once
    /// both sides are closed.
    func streamClosed(_ side: Side, _ event: StreamClosedEvent) {
        let streamID = event.streamID
        guard var stream = streams[streamID] else { return }
        if side == .downstream { stream.downstreamOpen = false } else { stream.upstreamOpen = false }
        if let reason = event.reason, !stream.resetForwarded {
            let otherOpen = side == .downstream ? stream.upstreamOpen : stream.downstreamOpen
            var code = reason
            let refused = side == .upstream && (upstreamLastStreamID.map { streamID > $0 } ?? false)
            if refused { code = .refusedStream }
            if !stream.recordedEnd {
                stream.recordedEnd = true
                let who = side == .downstream ? "client" : "server"
                tap(
                    .streamFailed(
                        connection: id, stream: Int(streamID),
                        reason: refused
                            ? "the server refused the stream (GOAWAY); it was not processed"
                            : "the \(who) side of the stream was closed with \(reason)",
                        time: recorder.now()))
            }
            if otherOpen {
                stream.resetForwarded = true
                write(side.other, HTTP2Frame(streamID: streamID, payload: .rstStream(code)))
            }
        }
        streams[streamID] = stream
        removeIfClosed(streamID)
    }

    func removeIfClosed(_ streamID: HTTP2StreamID) {
        guard let stream = streams[streamID], !stream.downstreamOpen, !stream.upstreamOpen else { return }
        if !stream.recordedEnd {
            tap(
                .streamFailed(
                    connection: id, stream: Int(streamID), reason: "the stream closed without a gRPC status",
                    time: recorder.now()))
        }
        streams.removeValue(forKey: streamID)
        if case .final = drain, streams.isEmpty {
            // Stream closures arrive from inside NIO's write of the stream's last frame: closing now would
            // drop that frame, so close once the write (and its flush) are done.
            eventLoop.assumeIsolated().execute { [self] in close() }
        }
    }
}
