import GRPCProtocol
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Frames out: headers through HPACK, DATA within the server's windows, control frames as they come.
extension HTTP2ClientCodec {
    func appendFrameHeader(length: Int, type: UInt8, flags: UInt8, streamID: HTTP2StreamID) {
        out.writeInteger(UInt32(truncatingIfNeeded: length) << 8 | UInt32(type))
        out.writeInteger(flags)
        out.writeInteger(UInt32(Int32(streamID)))
    }

    /// A request's HEADERS (the client connection's calls come this way, not through the pipeline): the
    /// template's block, copied while the encoder's table holds, and the call's own fields.
    func writeRequestHeaders(
        _ template: RequestHeaderTemplate, compression: String?, timeout: String?, metadata: HPACKHeaders?,
        streamID: HTTP2StreamID
    ) {
        guard !failed else { return }  // as a write through the pipeline would be dropped
        appendHeaders(streamID: streamID, endStream: false) {
            encoder.encode(template, compression: compression, timeout: timeout, metadata: metadata, into: &$0)
        }
    }

    /// A request's DATA (the client connection's calls come this way, not through the pipeline).
    func writeData(_ data: ByteBuffer, streamID: HTTP2StreamID, endStream: Bool, promise: EventLoopPromise<Void>?) {
        guard !failed, let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        send(data, streamID: streamID, endStream: endStream, promise: promise, context: context)
    }

    /// HEADERS, and CONTINUATION frames when the block `encode` appends is larger than the server's largest
    /// frame.
    func appendHeaders(streamID: HTTP2StreamID, endStream: Bool, encode: (inout ByteBuffer) -> Void) {
        let start = out.writerIndex
        out.writeRepeatingByte(0, count: 9)
        encode(&out)
        let length = out.writerIndex - start - 9
        let endStreamFlag = endStream ? HTTP2FrameFlags.endStream : 0
        if length <= windows.maxFrameSize {
            out.setInteger(UInt32(length) << 8 | UInt32(HTTP2FrameType.headers), at: start)
            out.setInteger(HTTP2FrameFlags.endHeaders | endStreamFlag, at: start + 4)
            out.setInteger(UInt32(Int32(streamID)), at: start + 5)
            return
        }
        // The slice keeps the block's bytes: writing over them below copies `out` first.
        var block = out.getSlice(at: start + 9, length: length)!
        out.moveWriterIndex(to: start)
        var type = HTTP2FrameType.headers
        var flags = endStreamFlag
        while block.readableBytes > 0 {
            let size = min(block.readableBytes, windows.maxFrameSize)
            var chunk = block.readSlice(length: size)!
            if block.readableBytes == 0 { flags |= HTTP2FrameFlags.endHeaders }
            appendFrameHeader(length: size, type: type, flags: flags, streamID: streamID)
            out.writeBuffer(&chunk)
            type = HTTP2FrameType.continuation
            flags = 0
        }
    }

    func appendSettings(_ settings: HTTP2Settings, ack: Bool) {
        let known = settings.compactMap { setting in Self.code(of: setting.parameter).map { ($0, setting.value) } }
        appendFrameHeader(
            length: known.count * 6, type: HTTP2FrameType.settings, flags: ack ? HTTP2FrameFlags.ack : 0,
            streamID: .rootStream)
        for (code, value) in known {
            out.writeInteger(code)
            out.writeInteger(UInt32(truncatingIfNeeded: value))
        }
    }

    /// The number RFC 9113 gives a SETTINGS parameter (NIO keeps it to itself).
    static func code(of parameter: HTTP2SettingsParameter) -> UInt16? {
        switch parameter {
        case .headerTableSize: 1
        case .enablePush: 2
        case .maxConcurrentStreams: 3
        case .initialWindowSize: 4
        case .maxFrameSize: 5
        case .maxHeaderListSize: 6
        case .enableConnectProtocol: 8
        default: nil
        }
    }

    func appendPing(_ value: UInt64, ack: Bool) {
        appendFrameHeader(
            length: 8, type: HTTP2FrameType.ping, flags: ack ? HTTP2FrameFlags.ack : 0, streamID: .rootStream)
        out.writeInteger(value)
    }

    /// A GOAWAY from a client: the last stream the server started and we processed is always 0.
    func appendGoAway(code: HTTP2ErrorCode) {
        appendFrameHeader(length: 8, type: HTTP2FrameType.goAway, flags: 0, streamID: .rootStream)
        out.writeInteger(UInt32(0))
        out.writeInteger(UInt32(truncatingIfNeeded: code.networkCode))
    }

    // MARK: DATA and the send windows

    /// Sends `data` as far as the windows allow and keeps the rest until WINDOW_UPDATE. A stream's only
    /// DATA (a unary request with its END_STREAM) that fits goes straight out without any per-stream state.
    func send(
        _ data: ByteBuffer, streamID: HTTP2StreamID, endStream: Bool, promise: EventLoopPromise<Void>?,
        context: ChannelHandlerContext
    ) {
        let size = data.readableBytes
        if windows.streams.isEmpty || windows.streams[streamID] == nil {
            if endStream, size <= windows.connection, size <= windows.initial, size <= windows.maxFrameSize {
                windows.connection -= size
                appendData(data, streamID: streamID, endStream: true, promise: promise, context: context)
                return
            }
            windows.streams[streamID] = SendWindows.Stream(window: windows.initial)
        }
        windows.streams[streamID]!.pending.append(
            SendWindows.Pending(data: data, endStream: endStream, promise: promise))
        _ = sendPending(streamID, context: context)
    }

    /// Sends what `streamID` has waiting, as far as the windows allow; whether anything went out.
    func sendPending(_ streamID: HTTP2StreamID, context: ChannelHandlerContext) -> Bool {
        guard var stream = windows.streams.removeValue(forKey: streamID) else { return false }
        var wrote = false
        while var first = stream.pending.first {
            let size = first.data.readableBytes
            let allowed = min(stream.window, windows.connection, windows.maxFrameSize)
            // An empty DATA (a half-close) is not flow controlled (RFC 9113 6.9.1).
            if size <= allowed || size == 0 {
                stream.pending.removeFirst()
                stream.window -= size
                windows.connection -= size
                appendData(
                    first.data, streamID: streamID, endStream: first.endStream, promise: first.promise, context: context
                )
                wrote = true
                if first.endStream {
                    // The stream is done sending; its promises are all kept.
                    return true
                }
                continue
            }
            guard allowed > 0 else { break }
            let part = first.data.readSlice(length: allowed)!
            stream.pending[stream.pending.startIndex] = first
            stream.window -= allowed
            windows.connection -= allowed
            appendData(part, streamID: streamID, endStream: false, promise: nil, context: context)
            wrote = true
        }
        if !stream.pending.isEmpty, windows.connection <= 0, !stream.waitsForConnection {
            stream.waitsForConnection = true
            windows.waiting.append(streamID)
        }
        windows.streams[streamID] = stream
        return wrote
    }

    /// After a window grew: sends what waited on it; whether anything went out.
    @discardableResult
    func sendUnblocked(context: ChannelHandlerContext) -> Bool {
        var wrote = false
        var turns = windows.waiting.count
        while turns > 0, windows.connection > 0, let streamID = windows.waiting.popFirst() {
            turns -= 1
            windows.streams[streamID]?.waitsForConnection = false
            if sendPending(streamID, context: context) { wrote = true }
        }
        return wrote
    }

    /// After a WINDOW_UPDATE for `streamID` (0: the connection): sends what it let through.
    func sendGranted(_ streamID: HTTP2StreamID, context: ChannelHandlerContext) -> Bool {
        if streamID == .rootStream { return sendUnblocked(context: context) }
        return sendPending(streamID, context: context)
    }

    func appendData(
        _ data: ByteBuffer, streamID: HTTP2StreamID, endStream: Bool, promise: EventLoopPromise<Void>?,
        context: ChannelHandlerContext
    ) {
        let size = data.readableBytes
        appendFrameHeader(
            length: size, type: HTTP2FrameType.data, flags: endStream ? HTTP2FrameFlags.endStream : 0,
            streamID: streamID)
        if size <= Self.copyLimit {
            var data = data
            out.writeBuffer(&data)
            attach(promise, context: context)
        } else {
            writeOut(context: context)
            context.write(wrapOutboundOut(data), promise: promise)
        }
    }
}

/// The send side of HTTP/2 flow control (RFC 9113 6.9): the server's windows for the connection and for
/// each stream that has more to send, and the DATA waiting for them.
struct SendWindows {
    struct Pending {
        var data: ByteBuffer
        var endStream: Bool
        var promise: EventLoopPromise<Void>?
    }

    struct Stream {
        var window: Int
        var pending = CircularBuffer<Pending>(initialCapacity: 2)
        var waitsForConnection = false
    }

    /// The connection's window.
    var connection = 65535
    /// SETTINGS_INITIAL_WINDOW_SIZE: the window each stream starts with.
    var initial = 65535
    /// SETTINGS_MAX_FRAME_SIZE: the largest frame the server accepts.
    var maxFrameSize = 16384
    /// Streams that have sent DATA without END_STREAM, or have DATA waiting.
    var streams: [HTTP2StreamID: Stream] = [:]
    /// Streams whose DATA waits for the connection's window, in turn.
    var waiting = CircularBuffer<HTTP2StreamID>()

    /// Adds a WINDOW_UPDATE's increment; false when it takes a window past 2^31-1.
    mutating func grant(_ increment: Int, to streamID: HTTP2StreamID) -> Bool {
        if streamID == .rootStream {
            connection += increment
            return connection <= Int(Int32.max)
        }
        guard streams[streamID] != nil else { return true }
        streams[streamID]!.window += increment
        return streams[streamID]!.window <= Int(Int32.max)
    }

    /// SETTINGS_INITIAL_WINDOW_SIZE changed: every stream's window moves by the difference (RFC 9113 6.9.2).
    mutating func initialWindowChanged(to value: Int) {
        let delta = value - initial
        initial = value
        guard delta != 0 else { return }
        for key in streams.keys { streams[key]!.window += delta }
    }

    /// The stream was reset: its waiting DATA is dropped; returns their promises to fail.
    mutating func streamClosed(_ streamID: HTTP2StreamID) -> [EventLoopPromise<Void>] {
        guard let stream = streams.removeValue(forKey: streamID) else { return [] }
        return stream.pending.compactMap(\.promise)
    }

    /// GOAWAY: streams above `lastStreamID` were never processed; their waiting writes' promises.
    mutating func streamsClosed(above lastStreamID: HTTP2StreamID) -> [(HTTP2StreamID, [EventLoopPromise<Void>])] {
        streams.keys.filter { $0 > lastStreamID }.map { ($0, streamClosed($0)) }
    }

    /// The connection closed: every waiting DATA's promise.
    mutating func removeAll() -> [EventLoopPromise<Void>] {
        defer {
            streams = [:]
            waiting.removeAll()
        }
        return streams.values.flatMap { $0.pending.compactMap(\.promise) }
    }
}
