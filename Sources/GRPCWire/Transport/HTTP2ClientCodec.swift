import GRPCProtocol
import NIOCore
import NIOHPACK
import NIOHTTP2

/// The client's HTTP/2 framing, in place of `NIOHTTP2Handler`: bytes in, `HTTP2Frame`s up to
/// `ClientConnectionHandler`; its `HTTP2Frame`s in, bytes out.
///
/// `ClientConnectionHandler` already does what a gRPC client needs of a connection (stream ids, the
/// server's stream limit, receive windows, GOAWAY, keepalive), so this layer keeps only what HTTP/2 itself
/// asks of the client: the preface, SETTINGS and their ACK, PING ACKs, HPACK in both directions, header
/// blocks split over CONTINUATION, padding, and the send side of flow control (DATA waits for the
/// server's windows and goes in frames no larger than it accepts). NIO's handler also runs a full
/// per-stream state machine for both peers and DoS heuristics meant for servers; on a unary call that was
/// about a third of the client's CPU. A server that breaks the protocol gets a GOAWAY and the connection
/// ends with an `HTTP2ProtocolViolation` saying what it sent.
///
/// Small frames written between two flushes share one buffer, so a batch of calls goes out in one write
/// with one allocation.
final class HTTP2ClientCodec: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = ByteBuffer

    /// DATA payloads up to this size are copied next to their frame header; larger ones go out as they are.
    static let copyLimit = 1024

    let localSettings: HTTP2Settings
    /// The largest frame this client accepts (its SETTINGS_MAX_FRAME_SIZE).
    let maxInboundFrameSize: Int
    var encoder = RequestHeaderEncoder()
    var decoder: HPACKDecoder

    // Inbound.
    /// Bytes of a frame not yet complete.
    var partial: ByteBuffer?
    /// A header block waiting for its CONTINUATION frames.
    var headerBlock: (streamID: HTTP2StreamID, endStream: Bool, fragments: ByteBuffer)?
    var receivedSettings = false
    var isReading = false
    var failed = false

    // Outbound.
    var out: ByteBuffer
    var outPromise: EventLoopPromise<Void>?
    var flushPending = false
    var windows = SendWindows()
    /// The client connection handler above, which takes frames directly instead of through the pipeline
    /// (where each frame would be boxed into `NIOAny`, an allocation per frame); nil in tests that read
    /// frames. Set and cleared by the handler as it is added and removed.
    unowned(unsafe) var frameReceiver: ClientConnectionHandler?
    /// This handler's context while in a pipeline, for the handler's direct writes.
    private(set) var context: ChannelHandlerContext?

    init(localSettings: HTTP2Settings, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.localSettings = localSettings
        var maxFrameSize = 16384
        var maxHeaderListSize = HPACKDecoder.defaultMaxHeaderListSize
        for setting in localSettings {
            if setting.parameter == .maxFrameSize { maxFrameSize = max(maxFrameSize, setting.value) }
            if setting.parameter == .maxHeaderListSize { maxHeaderListSize = setting.value }
        }
        maxInboundFrameSize = maxFrameSize
        decoder = HPACKDecoder(
            allocator: allocator, maxDynamicTableSize: HPACKDecoder.maxDynamicTableSize,
            maxHeaderListSize: maxHeaderListSize)
        out = allocator.buffer(capacity: 0)
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        out = context.channel.allocator.buffer(capacity: 256)
        if context.channel.isActive { writePreface(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        writePreface(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    private var prefaceWritten = false

    private func writePreface(context: ChannelHandlerContext) {
        guard !prefaceWritten else { return }
        prefaceWritten = true
        out.writeBytes(HTTP2Preface.client)
        appendSettings(localSettings, ack: false)
        flushOut(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failed = true
        for promise in windows.removeAll() { promise.fail(ChannelError.ioOnClosedChannel) }
        if out.readableBytes > 0 || outPromise != nil {
            out.clear()
            outPromise?.fail(ChannelError.ioOnClosedChannel)
            outPromise = nil
        }
        context.fireChannelInactive()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var bytes = unwrapInboundIn(data)
        if var partial {
            self.partial = nil
            partial.writeBuffer(&bytes)
            bytes = partial
        }
        isReading = true
        do {
            while let frame = try nextFrame(&bytes) {
                try handle(frame, context: context)
                if failed { return }
            }
        } catch {
            connectionError(error, context: context)
            return
        }
        if bytes.readableBytes > 0 {
            bytes.discardReadBytes()
            partial = bytes
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        if flushPending {
            flushPending = false
            flushOut(context: context)
        }
        context.fireChannelReadComplete()
    }

    /// Hands a frame to the handler above.
    private func deliver(_ frame: HTTP2Frame, context: ChannelHandlerContext) {
        if let frameReceiver {
            frameReceiver.received(frame)
        } else {
            context.fireChannelRead(wrapInboundOut(frame))
        }
    }

    /// One frame off `bytes`, its payload a slice of them; nil until a whole frame is there.
    private func nextFrame(_ bytes: inout ByteBuffer) throws(HTTP2ProtocolViolation) -> RawFrame? {
        guard bytes.readableBytes >= 9 else { return nil }
        let start = bytes.readerIndex
        let length =
            Int(bytes.getInteger(at: start, as: UInt16.self)!) << 8
            | Int(bytes.getInteger(at: start + 2, as: UInt8.self)!)
        let type = bytes.getInteger(at: start + 3, as: UInt8.self)!
        if !receivedSettings && type != HTTP2FrameType.settings {
            throw HTTP2ProtocolViolation.notHTTP2(.protocolError)
        }
        guard length <= maxInboundFrameSize else {
            if !receivedSettings { throw HTTP2ProtocolViolation.notHTTP2(.frameSizeError) }
            throw HTTP2ProtocolViolation(
                code: .frameSizeError,
                "the server sent a frame of \(length) bytes, over the \(maxInboundFrameSize) this client accepts")
        }
        guard bytes.readableBytes >= 9 + length else { return nil }
        let flags = bytes.getInteger(at: start + 4, as: UInt8.self)!
        let streamID = HTTP2StreamID(Int32(bitPattern: bytes.getInteger(at: start + 5, as: UInt32.self)! & 0x7FFF_FFFF))
        bytes.moveReaderIndex(forwardBy: 9)
        let payload = bytes.readSlice(length: length)!
        return RawFrame(type: type, flags: flags, streamID: streamID, payload: payload)
    }

    private func handle(_ frame: RawFrame, context: ChannelHandlerContext) throws(HTTP2ProtocolViolation) {
        if let block = headerBlock, frame.type != HTTP2FrameType.continuation || frame.streamID != block.streamID {
            throw HTTP2ProtocolViolation(
                code: .protocolError,
                "the server interrupted the header block of stream \(Int(block.streamID)) with another frame")
        }
        var payload = frame.payload
        switch frame.type {
        case HTTP2FrameType.data:
            try requireStream(frame)
            let padding = try removePadding(frame, &payload)
            let data = HTTP2Frame.FramePayload.Data(
                data: .byteBuffer(payload), endStream: frame.has(HTTP2FrameFlags.endStream), paddingBytes: padding)
            deliver(HTTP2Frame(streamID: frame.streamID, payload: .data(data)), context: context)
            if data.endStream { serverEnded(frame.streamID, context: context) }
        case HTTP2FrameType.headers:
            try requireStream(frame)
            _ = try removePadding(frame, &payload)
            if frame.has(HTTP2FrameFlags.priority) {
                guard payload.readableBytes >= 5 else { throw frameSize(frame, "HEADERS with priority") }
                payload.moveReaderIndex(forwardBy: 5)
            }
            if frame.has(HTTP2FrameFlags.endHeaders) {
                try deliverHeaders(
                    payload, streamID: frame.streamID, endStream: frame.has(HTTP2FrameFlags.endStream), context)
            } else {
                var fragments = context.channel.allocator.buffer(capacity: payload.readableBytes * 2)
                fragments.writeBuffer(&payload)
                headerBlock = (frame.streamID, frame.has(HTTP2FrameFlags.endStream), fragments)
            }
        case HTTP2FrameType.continuation:
            guard var block = headerBlock else {
                throw HTTP2ProtocolViolation(
                    code: .protocolError,
                    "the server sent CONTINUATION on stream \(Int(frame.streamID)) after no header block")
            }
            headerBlock = nil
            block.fragments.writeBuffer(&payload)
            if block.fragments.readableBytes > decoder.maxHeaderListSize * 2 {
                throw HTTP2ProtocolViolation(
                    code: .protocolError,
                    "the server's header block on stream \(Int(block.streamID)) grows past any limit")
            }
            if frame.has(HTTP2FrameFlags.endHeaders) {
                try deliverHeaders(block.fragments, streamID: block.streamID, endStream: block.endStream, context)
            } else {
                headerBlock = block
            }
        case HTTP2FrameType.priority:
            break
        case HTTP2FrameType.rstStream:
            try requireStream(frame)
            guard let code = payload.readInteger(as: UInt32.self), payload.readableBytes == 0 else {
                throw frameSize(frame, "RST_STREAM")
            }
            let errorCode = HTTP2ErrorCode(networkCode: Int(code))
            failDropped(windows.streamClosed(frame.streamID), streamID: frame.streamID, code: errorCode)
            deliver(HTTP2Frame(streamID: frame.streamID, payload: .rstStream(errorCode)), context: context)
        case HTTP2FrameType.settings:
            try receivedSettings(frame, payload, context: context)
        case HTTP2FrameType.pushPromise:
            throw HTTP2ProtocolViolation(
                code: .protocolError, "the server sent PUSH_PROMISE though this client turned push off")
        case HTTP2FrameType.ping:
            guard frame.streamID == .rootStream else { throw connectionFrameOnStream(frame, "PING") }
            guard payload.readableBytes == 8, let value = payload.readInteger(as: UInt64.self) else {
                throw frameSize(frame, "PING")
            }
            let data = HTTP2PingData(withInteger: value)
            if frame.has(HTTP2FrameFlags.ack) {
                deliver(HTTP2Frame(streamID: .rootStream, payload: .ping(data, ack: true)), context: context)
            } else {
                appendPing(value, ack: true)
                flushSoon(context: context)
            }
        case HTTP2FrameType.goAway:
            guard frame.streamID == .rootStream else { throw connectionFrameOnStream(frame, "GOAWAY") }
            guard let last = payload.readInteger(as: UInt32.self), let code = payload.readInteger(as: UInt32.self)
            else { throw frameSize(frame, "GOAWAY") }
            let lastStreamID = HTTP2StreamID(Int32(bitPattern: last & 0x7FFF_FFFF))
            for (streamID, promises) in windows.streamsClosed(above: lastStreamID) {
                failDropped(promises, streamID: streamID, code: .refusedStream)
            }
            let debug = payload.readableBytes > 0 ? payload : nil
            deliver(
                HTTP2Frame(
                    streamID: .rootStream,
                    payload: .goAway(
                        lastStreamID: lastStreamID, errorCode: HTTP2ErrorCode(networkCode: Int(code)),
                        opaqueData: debug)), context: context)
        case HTTP2FrameType.windowUpdate:
            guard payload.readableBytes == 4, let raw = payload.readInteger(as: UInt32.self) else {
                throw frameSize(frame, "WINDOW_UPDATE")
            }
            let increment = Int(raw & 0x7FFF_FFFF)
            guard increment > 0 else {
                let violation = HTTP2ProtocolViolation(
                    code: .protocolError, "the server sent a WINDOW_UPDATE of 0 on stream \(Int(frame.streamID))")
                // On a stream it ends only that stream (RFC 9113 6.9).
                if frame.streamID == .rootStream { throw violation }
                return streamError(frame.streamID, violation, context: context)
            }
            try windowUpdate(streamID: frame.streamID, increment: increment, context: context)
        default:
            break  // RFC 9113 4.1: frames of unknown types are ignored.
        }
    }

    private func deliverHeaders(
        _ block: ByteBuffer, streamID: HTTP2StreamID, endStream: Bool, _ context: ChannelHandlerContext
    ) throws(HTTP2ProtocolViolation) {
        var block = block
        let headers: HPACKHeaders
        do {
            headers = try decoder.decodeHeaders(from: &block)
        } catch is NIOHPACKErrors.MaxHeaderListSizeViolation {
            // The block was decoded only part way, so the HPACK table is out of step: the connection ends.
            throw HTTP2ProtocolViolation(
                code: .protocolError,
                "the server's header list on stream \(Int(streamID)) is over the \(decoder.maxHeaderListSize) bytes "
                    + "(name + value + 32 per field) this client accepts (its SETTINGS_MAX_HEADER_LIST_SIZE)")
        } catch {
            throw HTTP2ProtocolViolation(
                code: .compressionError,
                "the server's header block on stream \(Int(streamID)) does not decode: "
                    + TransportFailure.http2Problem(error))
        }
        deliver(
            HTTP2Frame(streamID: streamID, payload: .headers(.init(headers: headers, endStream: endStream))),
            context: context)
        if endStream { serverEnded(streamID, context: context) }
    }

    /// The server ended its side of `streamID`. A gRPC call is over then, so request DATA still waiting for
    /// a window the server will no longer give is dropped and the stream reset (CANCEL, as grpc-go does),
    /// instead of being held until the connection closes.
    private func serverEnded(_ streamID: HTTP2StreamID, context: ChannelHandlerContext) {
        guard !windows.streams.isEmpty, let stream = windows.streams[streamID], !stream.pending.isEmpty else { return }
        failDropped(windows.streamClosed(streamID), streamID: streamID, code: .cancel)
        appendFrameHeader(length: 4, type: HTTP2FrameType.rstStream, flags: 0, streamID: streamID)
        out.writeInteger(UInt32(truncatingIfNeeded: HTTP2ErrorCode.cancel.networkCode))
        flushSoon(context: context)
    }

    private func receivedSettings(
        _ frame: RawFrame, _ payload: ByteBuffer, context: ChannelHandlerContext
    ) throws(HTTP2ProtocolViolation) {
        guard frame.streamID == .rootStream else { throw connectionFrameOnStream(frame, "SETTINGS") }
        if frame.has(HTTP2FrameFlags.ack) {
            guard payload.readableBytes == 0 else { throw frameSize(frame, "a SETTINGS ACK") }
            return
        }
        guard payload.readableBytes % 6 == 0 else { throw frameSize(frame, "SETTINGS") }
        receivedSettings = true
        var payload = payload
        var settings = HTTP2Settings()
        while let code = payload.readInteger(as: UInt16.self), let raw = payload.readInteger(as: UInt32.self) {
            let value = Int(raw)
            let parameter = HTTP2SettingsParameter(extensionSetting: Int(code))
            switch parameter {
            case .headerTableSize:
                // The server's decoder allows this much; a smaller table of our own is always allowed.
                encoder.setPeerTableSize(value)
            case .initialWindowSize:
                guard value <= Int(Int32.max) else {
                    throw HTTP2ProtocolViolation(
                        code: .flowControlError, "the server's SETTINGS_INITIAL_WINDOW_SIZE \(value) is over 2^31-1")
                }
                windows.initialWindowChanged(to: value)
            case .maxFrameSize:
                guard (16384...16_777_215).contains(value) else {
                    throw HTTP2ProtocolViolation(
                        code: .protocolError,
                        "the server's SETTINGS_MAX_FRAME_SIZE \(value) is outside 16384...16777215")
                }
                windows.maxFrameSize = value
            default:
                break
            }
            settings.append(HTTP2Setting(parameter: parameter, value: value))
        }
        appendSettings([], ack: true)
        // A larger initial window or frame size lets waiting DATA go.
        for streamID in Array(windows.streams.keys) where !(windows.streams[streamID]?.pending.isEmpty ?? true) {
            _ = sendPending(streamID, context: context)
        }
        flushSoon(context: context)
        deliver(HTTP2Frame(streamID: .rootStream, payload: .settings(.settings(settings))), context: context)
    }

    private func windowUpdate(
        streamID: HTTP2StreamID, increment: Int, context: ChannelHandlerContext
    ) throws(HTTP2ProtocolViolation) {
        guard windows.grant(increment, to: streamID) else {
            let violation = HTTP2ProtocolViolation(
                code: .flowControlError,
                "the server's WINDOW_UPDATE on stream \(Int(streamID)) takes the window past 2^31-1")
            if streamID == .rootStream { throw violation }
            return streamError(streamID, violation, context: context)
        }
        if sendGranted(streamID, context: context) { flushSoon(context: context) }
    }

    private func removePadding(_ frame: RawFrame, _ payload: inout ByteBuffer) throws(HTTP2ProtocolViolation) -> Int? {
        guard frame.has(HTTP2FrameFlags.padded) else { return nil }
        guard let padding = payload.readInteger(as: UInt8.self), Int(padding) <= payload.readableBytes else {
            throw HTTP2ProtocolViolation(
                code: .protocolError,
                "the server padded a frame on stream \(Int(frame.streamID)) by more than its length")
        }
        payload = payload.getSlice(at: payload.readerIndex, length: payload.readableBytes - Int(padding))!
        return Int(padding)
    }

    private func requireStream(_ frame: RawFrame) throws(HTTP2ProtocolViolation) {
        if frame.streamID == .rootStream {
            throw HTTP2ProtocolViolation(
                code: .protocolError,
                "the server sent a frame of type \(frame.type) on stream 0, which only a stream can have")
        }
    }

    private func frameSize(_ frame: RawFrame, _ what: String) -> HTTP2ProtocolViolation {
        HTTP2ProtocolViolation(
            code: .frameSizeError,
            "the server sent \(what) of \(frame.payload.readableBytes) bytes, a size it cannot have")
    }

    private func connectionFrameOnStream(_ frame: RawFrame, _ what: String) -> HTTP2ProtocolViolation {
        HTTP2ProtocolViolation(
            code: .protocolError,
            "the server sent \(what) on stream \(Int(frame.streamID)); it belongs to the connection")
    }

    /// Ends the connection for a server that broke the protocol: a GOAWAY saying why, then the error up
    /// the pipeline and the close.
    private func connectionError(_ violation: HTTP2ProtocolViolation, context: ChannelHandlerContext) {
        guard !failed else { return }
        failed = true
        partial = nil
        headerBlock = nil
        appendGoAway(code: violation.code)
        flushOut(context: context)
        context.fireErrorCaught(violation)
        context.close(promise: nil)
    }

    /// Ends one stream for a server that broke the protocol on it: RST_STREAM with the code, and the
    /// error up the pipeline as an ``HTTP2StreamViolation`` for the call on it. The connection goes on.
    private func streamError(
        _ streamID: HTTP2StreamID, _ violation: HTTP2ProtocolViolation, context: ChannelHandlerContext
    ) {
        failDropped(windows.streamClosed(streamID), streamID: streamID, code: violation.code)
        appendFrameHeader(length: 4, type: HTTP2FrameType.rstStream, flags: 0, streamID: streamID)
        out.writeInteger(UInt32(truncatingIfNeeded: violation.code.networkCode))
        flushSoon(context: context)
        context.fireErrorCaught(HTTP2StreamViolation(streamID: streamID, violation: violation))
    }

    /// Fails the writes of a stream that was reset before they went out, as NIO's handler does.
    private func failDropped(_ promises: [EventLoopPromise<Void>], streamID: HTTP2StreamID, code: HTTP2ErrorCode) {
        guard !promises.isEmpty else { return }
        let error = NIOHTTP2Errors.streamClosed(streamID: streamID, errorCode: code)
        for promise in promises { promise.fail(error) }
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        guard !failed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch frame.payload {
        case .headers(let headers):
            appendHeaders(streamID: frame.streamID, endStream: headers.endStream) {
                encoder.encode(headers.headers, into: &$0)
            }
            attach(promise, context: context)
        case .data(let data):
            guard case .byteBuffer(let buffer) = data.data else {
                promise?.fail(ChannelError.operationUnsupported)  // file regions
                return
            }
            send(buffer, streamID: frame.streamID, endStream: data.endStream, promise: promise, context: context)
        case .rstStream(let code):
            failDropped(windows.streamClosed(frame.streamID), streamID: frame.streamID, code: code)
            appendFrameHeader(length: 4, type: HTTP2FrameType.rstStream, flags: 0, streamID: frame.streamID)
            out.writeInteger(UInt32(truncatingIfNeeded: code.networkCode))
            attach(promise, context: context)
        case .windowUpdate(let increment):
            appendFrameHeader(length: 4, type: HTTP2FrameType.windowUpdate, flags: 0, streamID: frame.streamID)
            out.writeInteger(UInt32(increment))
            attach(promise, context: context)
        case .ping(let data, let ack):
            var value: UInt64 = 0
            for byte in data { value = value << 8 | UInt64(byte) }
            appendPing(value, ack: ack)
            attach(promise, context: context)
        case .settings(.settings(let settings)):
            appendSettings(settings, ack: false)
            attach(promise, context: context)
        case .goAway(_, let code, _):
            appendGoAway(code: code)
            attach(promise, context: context)
        case .settings(.ack), .priority, .pushPromise, .alternativeService, .origin:
            promise?.fail(ChannelError.operationUnsupported)  // frames a gRPC client never sends
        }
    }

    func flush(context: ChannelHandlerContext) {
        flushOut(context: context)
    }

    /// Writes what `out` holds and flushes.
    func flushOut(context: ChannelHandlerContext) {
        writeOut(context: context)
        context.flush()
    }

    /// Flushes now, or at the end of the read in progress.
    func flushSoon(context: ChannelHandlerContext) {
        if isReading { flushPending = true } else { flushOut(context: context) }
    }

    /// `promise` completes when what `out` holds now is written.
    func attach(_ promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        guard let promise else { return }
        if let outPromise {
            outPromise.futureResult.cascade(to: promise)
        } else {
            outPromise = promise
        }
    }

    /// Writes what `out` holds (before a large payload that follows it unchanged, or a flush); the next
    /// buffer is sized for a batch like this one.
    func writeOut(context: ChannelHandlerContext) {
        guard out.readableBytes > 0 else { return }
        let bytes = out
        out = context.channel.allocator.buffer(capacity: max(256, min(bytes.readableBytes, 65536)))
        let promise = outPromise
        outPromise = nil
        context.write(wrapOutboundOut(bytes), promise: promise)
    }
}

/// A server broke HTTP/2: what it did, and the error code the client's GOAWAY gave it.
public struct HTTP2ProtocolViolation: Error, Sendable, CustomStringConvertible {
    /// The code of the GOAWAY this client sent.
    public let code: HTTP2ErrorCode
    /// What the server did, as a sentence without the address.
    public let reason: String

    init(code: HTTP2ErrorCode, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// Bytes that are not HTTP/2 frames where the server's SETTINGS should be.
    static func notHTTP2(_ code: HTTP2ErrorCode) -> HTTP2ProtocolViolation {
        HTTP2ProtocolViolation(code: code, "the server's bytes are not HTTP/2 frames: is it a gRPC (HTTP/2) server?")
    }

    public var description: String { reason }
}

/// A server broke HTTP/2 on one stream: the stream was reset, the connection goes on.
public struct HTTP2StreamViolation: Error, Sendable, CustomStringConvertible {
    /// The stream that was reset.
    public let streamID: HTTP2StreamID
    /// What the server did, and the code of the RST_STREAM this client sent.
    public let violation: HTTP2ProtocolViolation

    public var description: String { violation.reason }
}

/// One frame as read: its header's fields and a slice of the payload.
struct RawFrame {
    var type: UInt8
    var flags: UInt8
    var streamID: HTTP2StreamID
    var payload: ByteBuffer

    func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
}
