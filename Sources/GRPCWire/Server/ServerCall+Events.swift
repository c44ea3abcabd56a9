import GRPCProtocol
import NIOCore
import NIOHTTP2

/// What happens to a server call on its event loop: responses going out, request frames coming in.
extension ServerCall {
    func writeHeaders(_ metadata: Metadata) {
        guard state.headersNeeded(), let connection else { return }
        connection.writeHeaders(
            ResponseHeaders.headers(
                metadata: metadata, encoding: responseCompression, acceptEncoding: connection.acceptEncodingValue),
            streamID: streamID, endStream: false)
    }

    func writeMessage(_ message: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard !state.isFinished, let connection else {
            promise?.fail(GRPCStatus(code: .cancelled, message: "the call is already over"))
            return
        }
        writeHeaders([:])
        do throws(GRPCStatus) {
            let framed = try connection.frame(message, compression: responseCompression)
            connection.writeData(framed, streamID: streamID, promise: promise)
        } catch {
            promise?.fail(error)
            writeFinish(error, trailers: [:])
        }
    }

    func writeResponse(_ message: ByteBuffer, headers: Metadata, trailers: Metadata) {
        writeHeaders(headers)
        writeMessage(message, promise: nil)
        writeFinish(.ok, trailers: trailers)
    }

    func writeFinish(_ status: GRPCStatus, trailers: Metadata) {
        guard let connection else { return }
        switch state.finish() {
        case .none:
            return
        case .trailersOnly(let resetAfter):
            connection.writeHeaders(
                ResponseHeaders.trailers(status: status, metadata: trailers, trailersOnly: true), streamID: streamID,
                endStream: true)
            end(resetAfter: resetAfter, connection: connection)
        case .trailers(let resetAfter):
            connection.writeHeaders(
                ResponseHeaders.trailers(status: status, metadata: trailers, trailersOnly: false), streamID: streamID,
                endStream: true)
            end(resetAfter: resetAfter, connection: connection)
        }
    }

    func end(resetAfter: Bool, connection: ServerConnectionHandler) {
        if resetAfter { connection.writeResetAfterResponse(streamID: streamID) }
        release()
        connection.callEnded(self)
    }

    /// The call ends without a response from the handler: tell it, and stop.
    func cancel(_ status: GRPCStatus, sendStatus: Bool, resetStream: Bool) {
        guard !state.isFinished else { return }
        let handler = self.handler
        if sendStatus {
            writeFinish(status, trailers: [:])
        } else {
            state.abandon()
            let connection = self.connection
            if resetStream { connection?.writeReset(streamID: streamID, code: .cancel) }
            release()
            connection?.callEnded(self)
        }
        handler?.cancelled(call: self, status: status)
    }

    private func release() {
        deadlineCallback?.cancel()
        deadlineCallback = nil
        handler = nil
        connection = nil
    }

    func returnWindow(_ bytes: Int) {
        guard !state.isFinished, !state.requestEnded, let increment = window.consumed(bytes) else { return }
        connection?.writeWindowUpdate(streamID: streamID, increment: increment)
    }

    func receivedData(_ payload: HTTP2Frame.FramePayload.Data, flowControlledLength: Int) {
        guard case .byteBuffer(let buffer) = payload.data, !state.isFinished, let connection else { return }
        state.appendRequestData(buffer)
        let padding = flowControlledLength - buffer.readableBytes
        let consumed = manualFlowControl ? padding : flowControlledLength
        while !state.isFinished {
            let message: MessageDeframer.Message?
            do throws(GRPCStatus) {
                message = try state.nextRequestMessage()
                if let message {
                    let decoded = try message.decodedPayload(
                        encoding: requestEncoding, cache: connection.compression,
                        limit: connection.configuration.maxReceiveMessageSize, allocator: connection.allocator)
                    lastMessageWireLength = message.wireLength
                    handler?.received(decoded, call: self)
                    continue
                }
            } catch {
                cancel(error, sendStatus: true, resetStream: false)
                return
            }
            break
        }
        if payload.endStream {
            receivedEnd()
        } else if consumed > 0 {
            returnWindow(consumed)
        }
    }

    func receivedEnd() {
        guard state.requestEndReceived(), !state.isFinished else { return }
        if state.hasPartialRequestMessage {
            cancel(
                GRPCStatus(code: .internalError, message: "the client ended the stream in the middle of a message"),
                sendStatus: true, resetStream: false)
            return
        }
        handler?.receivedEnd(call: self)
    }
}

/// Fires a server call's deadline.
struct ServerDeadlineCallback: NIOScheduledCallbackHandler {
    let call: ServerCall

    func handleScheduledCallback(eventLoop: some EventLoop) {
        call.deadlineCallback = nil
        call.cancel(
            GRPCStatus(code: .deadlineExceeded, message: "context deadline exceeded"), sendStatus: true,
            resetStream: false)
    }
}
