import GRPCProtocol
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Frames from clients: new streams become calls, the rest goes to the call of its stream.
extension ServerConnectionHandler {
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isReading = true
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .headers(let headers):
            if let call = calls[frame.streamID] {
                // Trailers from a client carry no meaning in gRPC beyond ending the request.
                if headers.endStream { call.receivedEnd() }
            } else if frame.streamID > lastStreamID {
                lastStreamID = frame.streamID
                openStream(frame.streamID, headers: headers.headers, endStream: headers.endStream, context: context)
            }
        case .data(let payload):
            let length = payload.data.readableBytes + (payload.paddingBytes.map { $0 + 1 } ?? 0)
            if let increment = connectionWindow.consumed(length) {
                writeWindowUpdate(streamID: .rootStream, increment: increment)
            }
            calls[frame.streamID]?.receivedData(payload, flowControlledLength: length)
        case .rstStream(let code):
            calls[frame.streamID]?.cancel(
                GRPCStatus(
                    code: .cancelled,
                    message: "the client reset the stream with \(TransportFailure.name(of: code))"),
                sendStatus: false, resetStream: false)
        case .ping(let data, ack: true) where data == Self.drainPing:
            sendFinalGoAway()
        case .settings, .ping, .goAway, .windowUpdate, .priority, .pushPromise, .alternativeService, .origin:
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

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let closed = event as? StreamClosedEvent, let call = calls[closed.streamID] {
            call.cancel(
                GRPCStatus(code: .cancelled, message: "the stream closed"), sendStatus: false, resetStream: false)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let streamError = error as? NIOHTTP2Errors.StreamError {
            calls[streamError.streamID]?.cancel(
                GRPCStatus(code: .internalError, message: "HTTP/2 stream error: \(streamError.baseError)"),
                sendStatus: false, resetStream: false)
            return
        }
        // A protocol error NIO answered with RST_STREAM concerns one stream (closed separately); only
        // one it answered with GOAWAY ends the connection.
        if error.isHTTP2ProtocolError && witness.goAwaysWritten == ownGoAways { return }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let open = Array(calls.values)
        for call in open {
            call.cancel(
                GRPCStatus(code: .unavailable, message: "the connection to the client closed"), sendStatus: false,
                resetStream: false)
        }
        calls.removeAll()
        context.fireChannelInactive()
    }

    private func openStream(
        _ streamID: HTTP2StreamID, headers: HPACKHeaders, endStream: Bool, context: ChannelHandlerContext
    ) {
        func reject(_ block: HPACKHeaders) {
            writeHeaders(block, streamID: streamID, endStream: true)
            if !endStream { writeReset(streamID: streamID, code: .noError) }
        }
        func rejectStatus(_ code: StatusCode, _ message: String) {
            reject(
                ResponseHeaders.trailers(
                    status: GRPCStatus(code: code, message: message), metadata: [:], trailersOnly: true))
        }

        guard headers.first(name: ":method") == "POST" else {
            reject(
                ResponseHeaders.rejection(
                    httpStatus: 405, status: GRPCStatus(code: .internalError, message: "only POST is allowed")))
            return
        }
        guard let contentType = headers.first(name: "content-type"), ContentType.isGRPC(contentType) else {
            reject(
                ResponseHeaders.rejection(
                    httpStatus: 415,
                    status: GRPCStatus(code: .internalError, message: "invalid gRPC request content-type")))
            return
        }
        guard let path = headers.first(name: ":path"), path.hasPrefix("/") else {
            rejectStatus(.unimplemented, "malformed method name: \(headers.first(name: ":path") ?? "")")
            return
        }
        var deadline: NIODeadline?
        if let timeoutText = headers.first(name: "grpc-timeout") {
            guard let timeout = GRPCTimeout.decode(timeoutText) else {
                rejectStatus(.internalError, "transport: malformed grpc-timeout: \"\(timeoutText)\"")
                return
            }
            deadline = context.eventLoop.now + timeout
        }
        var requestEncoding: CompressionAlgorithm?
        switch ResponseHead.encodingName(headers.first(name: "grpc-encoding")) {
        case .identity:
            break
        case .supported(let algorithm) where configuration.acceptedEncodings.contains(algorithm):
            requestEncoding = algorithm
        case .supported(let algorithm):
            rejectStatus(.unimplemented, "grpc: Decompressor is not installed for grpc-encoding \"\(algorithm.name)\"")
            return
        case .unsupported(let name):
            rejectStatus(.unimplemented, "grpc: Decompressor is not installed for grpc-encoding \"\(name)\"")
            return
        }
        let metadata: Metadata
        switch Metadata.received(from: headers, keepUserAgent: true) {
        case .success(let decoded): metadata = decoded
        case .failure(let error):
            rejectStatus(.internalError, error.message)
            return
        }
        guard let factory = router.handler(for: path) else {
            rejectStatus(.unimplemented, router.unimplementedMessage(for: path))
            return
        }
        let call = ServerCall(
            path: path, requestHeaders: headers, requestMetadata: metadata,
            authority: headers.first(name: ":authority"),
            deadline: deadline,
            remoteAddress: context.channel.remoteAddress, requestEncoding: requestEncoding,
            eventLoop: context.eventLoop, streamID: streamID, connection: self,
            maxReceiveMessageSize: configuration.maxReceiveMessageSize,
            streamWindowSize: configuration.http2.streamWindowSize)
        if configuration.compressResponsesLikeRequests, let requestEncoding,
            Self.accepts(headers.first(name: "grpc-accept-encoding"), requestEncoding)
        {
            call.responseCompression = requestEncoding
        }
        calls[streamID] = call
        if let deadline {
            call.deadlineCallback = try? context.eventLoop.assumeIsolated().scheduleCallback(
                at: deadline, handler: ServerDeadlineCallback(call: call))
        }
        let handler = factory(call)
        if !call.isFinished { call.handler = handler }
        if endStream { call.receivedEnd() }
    }

    private static func accepts(_ acceptEncoding: String?, _ algorithm: CompressionAlgorithm) -> Bool {
        guard let acceptEncoding else { return false }
        return acceptEncoding.split(separator: ",").contains {
            $0.trimmingCharacters(in: " ") == algorithm.name
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var slice = self
        while slice.first == character { slice.removeFirst() }
        while slice.last == character { slice.removeLast() }
        return slice
    }
}
