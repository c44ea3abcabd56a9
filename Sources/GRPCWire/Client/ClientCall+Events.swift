import GRPCProtocol
import NIOCore
import NIOHTTP2

/// What happens to a call on its event loop: writes, frames from the server, and the end.
extension ClientCall {
    func write(_ message: ByteBuffer?, endStream: Bool, promise: EventLoopPromise<Void>?) {
        guard !isFinished, !state.requestEnded else {
            promise?.fail(GRPCStatus(code: .internalError, message: "the call's request side is already closed"))
            return
        }
        guard let connection, let streamID else {
            queuedWrites.append(QueuedWrites.Write(message: message, endStream: endStream, promise: promise))
            if endStream { state.requestEnded = true }
            return
        }
        if endStream { state.requestEnded = true }
        var framed: ByteBuffer?
        if let message {
            do throws(GRPCStatus) {
                framed = try connection.frame(
                    message, compression: options.compression, maxSize: options.maxSendMessageSize)
            } catch {
                promise?.fail(error)
                finishLocally(error)
                return
            }
        }
        connection.writeData(framed, streamID: streamID, endStream: endStream, promise: promise)
    }

    /// The connection gave the call a stream and sent its HEADERS: send what was written meanwhile.
    func opened(streamID: HTTP2StreamID) {
        self.streamID = streamID
        guard !queuedWrites.isEmpty else { return }
        let (first, rest) = queuedWrites.removeAll()
        if let first, !sendQueued(first, streamID: streamID) { return }
        for queued in rest where !sendQueued(queued, streamID: streamID) { return }
    }

    /// Sends one queued write; false when framing failed and the call ended.
    private func sendQueued(_ queued: QueuedWrites.Write, streamID: HTTP2StreamID) -> Bool {
        guard let connection else { return false }
        var framed: ByteBuffer?
        if let message = queued.message {
            do throws(GRPCStatus) {
                framed = try connection.frame(
                    message, compression: options.compression, maxSize: options.maxSendMessageSize)
            } catch {
                queued.promise?.fail(error)
                finishLocally(error)
                return false
            }
        }
        connection.writeData(framed, streamID: streamID, endStream: queued.endStream, promise: queued.promise)
        return true
    }

    func receivedHeaders(_ payload: HTTP2Frame.FramePayload.Headers) {
        perform(state.receivedHeaders(payload.headers, endStream: payload.endStream))
    }

    func receivedData(_ payload: HTTP2Frame.FramePayload.Data, flowControlledLength: Int) {
        guard case .byteBuffer(let buffer) = payload.data else { return }
        let action = state.receivedData(buffer)
        if case .finish = action {
            perform(action)
            return
        }
        // Padding never reaches the application: return it at once, even under manual flow control.
        let padding = flowControlledLength - buffer.readableBytes
        var consumed = options.manualFlowControl ? padding : flowControlledLength
        guard let connection else { return }
        while !isFinished {
            switch state.nextMessage(cache: connection.compression, allocator: connection.allocator) {
            case .success(.some(let (message, wireLength))):
                lastMessageWireLength = wireLength
                delegate?.callReceivedMessage(self, message: message)
            case .success(.none):
                if payload.endStream {
                    perform(state.receivedEndOfStreamOnData())
                } else if !options.manualFlowControl || consumed > 0 {
                    returnWindow(consumed)
                    consumed = 0
                }
                return
            case .failure(let finish):
                perform(finish.action)
                return
            }
        }
    }

    func receivedReset(_ code: HTTP2ErrorCode) {
        // A server may refuse a stream it has no room for yet (grpcio does when a new stream races the end
        // of an old one under SETTINGS_MAX_CONCURRENT_STREAMS). The request was not processed, so a call
        // whose request is kept goes again, as grpc-go retries transparently.
        if code == .refusedStream, state.receive == .awaitingHeaders, let request = retryRequest,
            refusals < Self.maximumRefusals, let connection
        {
            refusals += 1
            connection.retryRefused(self, request: request)
            return
        }
        perform(state.receivedReset(code))
    }

    /// How often a refused stream is opened again before the call fails with UNAVAILABLE.
    static let maximumRefusals = 5

    /// Ends the call from this side; resets the stream if it is open.
    func finishLocally(_ status: GRPCStatus) {
        guard !isFinished else { return }
        perform(state.finishLocally(status, streamOpen: streamID != nil))
    }

    func returnWindow(_ bytes: Int) {
        guard !isFinished, let streamID, let increment = window.consumed(bytes) else { return }
        connection?.writeWindowUpdate(streamID: streamID, increment: increment)
    }

    func perform(_ action: ClientCallStateMachine.Action) {
        switch action {
        case .none:
            break
        case .deliverHeaders(let headers):
            delegate?.callReceivedHeaders(self, headers: headers)
        case .finish(let result, let resetStream):
            isFinished = true
            let (first, rest) = queuedWrites.removeAll()
            first?.promise?.fail(result.status)
            for queued in rest { queued.promise?.fail(result.status) }
            let connection = self.connection
            self.connection = nil
            connection?.callFinished(self, resetStream: resetStream)
            let delegate = self.delegate
            self.delegate = nil
            delegate?.callFinished(self, result: result)
        }
    }
}
