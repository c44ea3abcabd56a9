import GRPCProtocol
import NIOCore
import Recording

/// Decodes one HTTP/2 connection from the bytes its two peers sent, without taking part in it: frames
/// (padding and priority stripped, CONTINUATION joined), header blocks through one HPACK decoder per
/// direction (table size updates included), RST_STREAM, and each stream's DATA as it passed. What it
/// finds comes out as ``TapEvent``s, the recorder's input, so a proxy relaying bytes and a packet capture
/// record the same way. It never writes anything.
///
/// Bytes that are not HTTP/2 make the connection unreadable from that byte on: one `connectionClosed`
/// event says where and why, what was decoded before stays, and later bytes are ignored.
///
/// A class, confined to one thread: a connection's HPACK tables and held bytes are mutated in place
/// (a struct's copy-on-write copied them whenever a side was taken out to be worked on).
///
/// ```swift
/// let tap = PassiveHTTP2Decoder(connection: 1)
/// var events: [TapEvent] = []
/// tap.feed(bytesFromClient, from: .client, time: now, into: &events)
/// tap.feed(bytesFromServer, from: .server, time: now, into: &events)
/// ```
public final class PassiveHTTP2Decoder {
    /// The recording's connection id, stamped on every event.
    public let connection: Int
    /// Why decoding stopped, if it did.
    public private(set) var failure: String?
    private var client: Side
    private var server: Side
    /// Streams the client opened (HEADERS seen) that have not ended, so later client HEADERS on them are
    /// its trailers. Ended streams leave: the set holds the calls in flight, not every call seen.
    /// (A stream table, not a `Set`: hashing a stream id with `Hasher` cost more than the rest of a lookup.)
    private var openedStreams = StreamTable<Void>()

    /// Streams open now (the client sent HEADERS; neither trailers nor a reset ended them yet).
    public var openStreams: Int { openedStreams.count }
    /// The most streams a connection may hold open: a capture can open streams and never end them, and
    /// each open one keeps state in the decoder and the recorder. Real peers allow far fewer at once
    /// (SETTINGS_MAX_CONCURRENT_STREAMS: 100 by default, 10,000 for Reprise's servers).
    public static let maximumOpenStreams = 100_000

    /// The client's connection preface, which comes before its first frame.
    static let preface = HTTP2Preface.client
    /// The largest frame payload HTTP/2 allows (2^24 - 1): the most a direction ever holds.
    static let maximumFrameLength = (1 << 24) - 1

    /// Whether the decoder joined the connection after it began (a capture started mid-connection).
    public let joinedMidway: Bool
    /// Midway: the lowest stream the client was seen opening; streams below it began before the decoder
    /// did (client streams only go up).
    private var firstOpenedStream: Int?
    /// Midway: streams seen only after they began (DATA, a response or a reset with no HEADERS seen). They
    /// cannot be recorded; they are counted. Bounded by the streams open when the decoder joined.
    public private(set) var streamsBegunBefore: Set<Int> = []
    /// Midway: whether the bytes fed as the client's are the server's (the importer guessed the sides from
    /// the ports). The first header block with `:method` or `:status`, both in HPACK's static table and
    /// readable whatever was missed, settles it.
    public private(set) var sidesSwapped = false
    private var sidesSettled: Bool
    /// Midway: bytes skipped in each direction before the first whole frame.
    public private(set) var bytesSkipped = 0
    /// Midway: the most bytes looked through for a first frame before giving up.
    static let synchronizationLimit = 20 * 1024 * 1024

    /// A decoder for connection `connection`, from its first byte in each direction; with `joinedMidway`,
    /// from wherever the bytes start: each direction finds its first whole frame, header blocks decode as
    /// far as the HPACK insertions seen define them (see ``PassiveHPACKDecoder``), and streams that began
    /// before are counted, not recorded.
    public init(connection: Int, joinedMidway: Bool = false) {
        self.connection = connection
        self.joinedMidway = joinedMidway
        sidesSettled = !joinedMidway
        client = Side(prefaceLeft: joinedMidway ? 0 : Self.preface.count, joinedMidway: joinedMidway)
        server = Side(prefaceLeft: 0, joinedMidway: joinedMidway)
    }

    /// Takes bytes `side` sent (in order, any split), read at `time`, and appends what they complete.
    public func feed(_ bytes: ByteBuffer, from side: CallSide, time: Int64, into events: inout [TapEvent]) {
        guard failure == nil else { return }
        let problem: String?
        let consumed: Int
        if side == .client {
            problem = take(bytes, into: &client, side: side, time: time, events: &events)
            consumed = client.consumed
        } else {
            problem = take(bytes, into: &server, side: side, time: time, events: &events)
            consumed = server.consumed
        }
        if let problem {
            fail(problem, side: sidesSwapped ? Self.other(side) : side, at: consumed, time: time, into: &events)
        }
    }

    /// Holds `bytes` after what `state` kept back, and parses; `state` is one of the two sides, in place.
    private func take(
        _ bytes: ByteBuffer, into state: inout Side, side: CallSide, time: Int64, events: inout [TapEvent]
    ) -> String? {
        // Nothing held back: parse the bytes where they are (no copy); else append to the remainder.
        if state.pending == nil || state.pending!.readableBytes == 0 {
            state.pending = bytes
        } else {
            var incoming = bytes
            state.pending!.writeBuffer(&incoming)
        }
        return parse(&state, side: side, time: time, into: &events)
    }

    /// The connection closed (`reason` says how): its open calls end.
    public func close(reason: String, time: Int64, into events: inout [TapEvent]) {
        guard failure == nil else { return }
        failure = reason
        events.append(.connectionClosed(connection: connection, reason: reason, time: time))
    }

    private func fail(
        _ problem: String, side: CallSide, at offset: Int, time: Int64, into events: inout [TapEvent]
    ) {
        let reason = "the \(side.rawValue)'s bytes are not readable HTTP/2 from byte \(offset) on: \(problem)"
        close(reason: reason, time: time, into: &events)
    }

    /// Parses every whole frame held for one side; returns what was wrong, if anything.
    private func parse(_ state: inout Side, side: CallSide, time: Int64, into events: inout [TapEvent])
        -> String?
    {
        guard var buffer = state.pending else { return nil }
        defer { state.pending = buffer.readableBytes > 0 ? buffer : nil }
        if !state.synchronized {
            switch Self.firstFrame(in: buffer, side: side, state: &state) {
            case .at(let offset):
                buffer.moveReaderIndex(forwardBy: offset)
                state.consumed += offset
                bytesSkipped += offset
                state.synchronized = true
            case .preface:
                state.prefaceLeft = Self.preface.count
                state.synchronized = true
            case .needMore:
                guard buffer.readableBytes <= Self.synchronizationLimit else {
                    return "no HTTP/2 frame starts in its first \(buffer.readableBytes) bytes (the capture began "
                        + "mid-connection)"
                }
                return nil
            }
        }
        if state.prefaceLeft > 0 {
            let expected = Self.preface[(Self.preface.count - state.prefaceLeft)...]
            let take = min(state.prefaceLeft, buffer.readableBytes)
            guard let got = buffer.readBytes(length: take), got[...] == expected.prefix(take) else {
                return "it does not start with the HTTP/2 connection preface"
            }
            state.prefaceLeft -= take
            state.consumed += take
            if state.prefaceLeft > 0 { return nil }
        }
        while buffer.readableBytes >= 9 {
            let start = buffer.readerIndex
            let length =
                Int(buffer.getInteger(at: start, as: UInt16.self)!) << 8
                | Int(buffer.getInteger(at: start + 2, as: UInt8.self)!)
            let type = buffer.getInteger(at: start + 3, as: UInt8.self)!
            let flags = buffer.getInteger(at: start + 4, as: UInt8.self)!
            let stream = Int(buffer.getInteger(at: start + 5, as: UInt32.self)! & 0x7FFF_FFFF)
            guard buffer.readableBytes >= 9 + length else { return nil }
            buffer.moveReaderIndex(forwardBy: 9)
            let payload = buffer.readSlice(length: length)!
            if let problem = frame(type, flags, stream, payload, &state, side: side, time: time, into: &events) {
                return problem
            }
            state.consumed += 9 + length
        }
        return nil
    }

    /// One frame.
    private func frame(
        _ type: UInt8, _ flags: UInt8, _ stream: Int, _ payload: ByteBuffer, _ state: inout Side, side: CallSide,
        time: Int64, into events: inout [TapEvent]
    ) -> String? {
        let endStream = flags & HTTP2FrameFlags.endStream != 0
        // What the sender is in the call (`side` is which direction's bytes these are).
        let role = sidesSwapped ? Self.other(side) : side
        if let block = state.headerBlock, type != HTTP2FrameType.continuation || stream != block.stream {
            return "a header block of stream \(block.stream) is not continued by CONTINUATION"
        }
        switch type {
        case HTTP2FrameType.data:
            guard stream != 0 else { return "DATA on stream 0" }
            guard let data = Self.unpadded(payload, flags: flags) else { return "DATA padding longer than the frame" }
            if begunBefore(stream) { break }
            events.append(
                .data(
                    connection: connection, stream: stream, direction: role == .client ? .request : .response,
                    bytes: data, time: time))
            if endStream {
                if role == .client {
                    events.append(.halfClose(connection: connection, stream: stream, time: time))
                } else {
                    openedStreams[connection, stream] = nil
                    events.append(
                        .streamFailed(
                            connection: connection, stream: stream,
                            reason: "the server ended the stream without trailers", time: time))
                }
            }
        case HTTP2FrameType.headers:
            guard stream != 0 else { return "HEADERS on stream 0" }
            guard var fragment = Self.unpadded(payload, flags: flags) else {
                return "HEADERS padding longer than the frame"
            }
            if flags & 0x20 != 0 {  // PRIORITY: stream dependency and weight
                guard fragment.readableBytes >= 5 else { return "HEADERS too short for its priority" }
                fragment.moveReaderIndex(forwardBy: 5)
            }
            if flags & HTTP2FrameFlags.endHeaders != 0 {
                return headerBlock(
                    fragment, stream: stream, endStream: endStream, &state, side: side, time: time, into: &events)
            }
            state.headerBlock = (stream, endStream, fragment)
        case HTTP2FrameType.continuation:
            guard var block = state.headerBlock else {
                // Joined midway inside a header block: its start is gone, and before any block decoded the
                // HPACK table knows nothing whose indices the lost part could shift.
                if joinedMidway, !state.decodedABlock { break }
                return "CONTINUATION without a header block"
            }
            var more = payload
            block.fragments.writeBuffer(&more)
            guard block.fragments.readableBytes <= Self.maximumFrameLength else { return "a header block over 16 MB" }
            if flags & HTTP2FrameFlags.endHeaders != 0 {
                state.headerBlock = nil
                return headerBlock(
                    block.fragments, stream: block.stream, endStream: block.endStream, &state, side: side, time: time,
                    into: &events)
            }
            state.headerBlock = block
        case HTTP2FrameType.rstStream:
            guard payload.readableBytes == 4, let code = payload.getInteger(at: payload.readerIndex, as: UInt32.self)
            else { return "RST_STREAM of \(payload.readableBytes) bytes" }
            if begunBefore(stream) { break }
            openedStreams[connection, stream] = nil
            events.append(.reset(connection: connection, stream: stream, by: role, code: code, time: time))
        case HTTP2FrameType.settings:  // this side's decoder limit bounds the other side's header table
            guard stream == 0 else { return "SETTINGS on stream \(stream)" }
            guard flags & HTTP2FrameFlags.ack == 0 else { break }
            guard payload.readableBytes % 6 == 0 else { return "SETTINGS of \(payload.readableBytes) bytes" }
            var settings = payload
            while let identifier = settings.readInteger(as: UInt16.self),
                let value = settings.readInteger(as: UInt32.self)
            {
                if identifier == 0x1 {
                    if side == .client {
                        server.hpack.maxDynamicTableLength = Int(value)
                    } else {
                        client.hpack.maxDynamicTableLength = Int(value)
                    }
                }
            }
        case HTTP2FrameType.pushPromise:
            // gRPC does not push, but its header block still moves the HPACK table.
            guard var fragment = Self.unpadded(payload, flags: flags), fragment.readableBytes >= 4 else {
                return "PUSH_PROMISE too short"
            }
            fragment.moveReaderIndex(forwardBy: 4)
            var ignored: [HeaderField] = []
            do throws(HPACKReadError) {
                _ = try fragment.withUnsafeReadableBytes { block throws(HPACKReadError) in
                    try state.hpack.decode(block, into: &ignored)
                }
            } catch {
                return "the PUSH_PROMISE header block of stream \(stream) does not decode: \(error)"
            }
        case HTTP2FrameType.ping:
            guard stream == 0 else { return "PING on stream \(stream)" }
            guard payload.readableBytes == 8 else { return "PING of \(payload.readableBytes) bytes" }
        case HTTP2FrameType.goAway:
            guard stream == 0 else { return "GOAWAY on stream \(stream)" }
            guard payload.readableBytes >= 8 else { return "GOAWAY of \(payload.readableBytes) bytes" }
            goAway(payload, side: role, time: time, into: &events)
        default:  // PRIORITY, WINDOW_UPDATE, and unknown types carry nothing recorded
            break
        }
        return nil
    }

    /// A GOAWAY: recorded, and a server's ends the client's streams it will not process.
    private func goAway(_ payload: ByteBuffer, side: CallSide, time: Int64, into events: inout [TapEvent]) {
        var body = payload
        let lastStream = Int(body.readInteger(as: UInt32.self)! & 0x7FFF_FFFF)
        let code = body.readInteger(as: UInt32.self)!
        let debug = String(decoding: body.readableBytesView.prefix(1024), as: UTF8.self)
        events.append(
            .goAway(connection: connection, by: side, lastStream: lastStream, code: code, debug: debug, time: time))
        guard side == .server else { return }
        for stream in openedStreams.entries.map(\.stream).filter({ $0 > lastStream }).sorted() {
            openedStreams[connection, stream] = nil
            events.append(
                .streamFailed(
                    connection: connection, stream: stream,
                    reason: "the server refused the stream (GOAWAY with \(HTTP2ErrorCodeName.name(of: code)), "
                        + "last stream \(lastStream)); it was not processed",
                    time: time))
        }
    }

    /// A whole header block: request headers, a client's trailers, response headers or trailers.
    private func headerBlock(
        _ block: ByteBuffer, stream: Int, endStream: Bool, _ state: inout Side, side: CallSide, time: Int64,
        into events: inout [TapEvent]
    ) -> String? {
        let fields: [HeaderField]
        let unknown: Int
        do throws(HPACKReadError) {
            (fields, unknown) = try block.withUnsafeReadableBytes { bytes throws(HPACKReadError) in
                try state.hpack.decode(bytes)
            }
        } catch {
            return "the header block of stream \(stream) does not decode: \(error)"
        }
        state.decodedABlock = true
        if !sidesSettled {
            let request = fields.contains { $0.name == ":method" }
            let response = fields.contains { $0.name == ":status" }
            if request != response {
                sidesSettled = true
                sidesSwapped = (side == .client) != request
            }
        }
        let role = sidesSwapped ? Self.other(side) : side
        // The block moved the HPACK table either way; a stream that began before the decoder joined is
        // only counted. (The client's first block seen opens the first stream the decoder knows.)
        if role == .server || firstOpenedStream != nil, begunBefore(stream) { return nil }
        var headers = HeaderFields(fields)
        headers.unknownFields = unknown
        switch role {
        case .client:
            if firstOpenedStream == nil { firstOpenedStream = stream }
            let isNew = openedStreams[connection, stream] == nil
            if openedStreams.count >= Self.maximumOpenStreams, isNew {
                return "stream \(stream) opens while \(Self.maximumOpenStreams) others are open, the most the tap holds"
            }
            if isNew {
                openedStreams[connection, stream] = ()
                events.append(.requestHeaders(connection: connection, stream: stream, headers: headers, time: time))
            }
            if endStream { events.append(.halfClose(connection: connection, stream: stream, time: time)) }
        case .server:
            // 1xx answers come before the real headers and mean nothing to gRPC.
            if let status = headers.first(.status), status.hasPrefix("1"), !endStream { return nil }
            if endStream { openedStreams[connection, stream] = nil }
            events.append(
                .responseHeaders(
                    connection: connection, stream: stream, headers: headers, endStream: endStream, time: time))
        }
        return nil
    }

    /// Midway: whether a frame on `stream` belongs to a stream that began before the decoder joined (it
    /// is then counted in ``streamsBegunBefore`` and not decoded further).
    private func begunBefore(_ stream: Int) -> Bool {
        guard joinedMidway, openedStreams[connection, stream] == nil, stream < (firstOpenedStream ?? .max) else {
            return false
        }
        streamsBegunBefore.insert(stream)
        return true
    }

    static func other(_ side: CallSide) -> CallSide { side == .client ? .server : .client }

    enum FirstFrame {
        case at(Int)
        case preface
        case needMore
    }

    /// Where the first whole frame starts in bytes taken from the middle of a direction: the first offset
    /// from which plausible frame headers follow one another, three of them, or two ending exactly at the
    /// end of what is held. Offsets whose chain runs past the end wait in `state` for more bytes; offsets
    /// already ruled out are not looked at again.
    static func firstFrame(in buffer: ByteBuffer, side: CallSide, state: inout Side) -> FirstFrame {
        buffer.withUnsafeReadableBytes { bytes in
            if state.syncScanned == 0, side == .client, bytes.count >= 4, bytes.starts(with: preface.prefix(4)) {
                return bytes.count >= preface.count
                    ? (bytes.starts(with: preface) ? .preface : .at(0)) : .needMore
            }
            var waiting: [Int] = []
            for offset in state.syncCandidates {
                switch chain(bytes, from: offset, side: side) {
                case .confirmed: return .at(offset)
                case .incomplete: waiting.append(offset)
                case .broken: continue
                }
            }
            var offset = state.syncScanned
            while offset + 9 <= bytes.count {
                switch chain(bytes, from: offset, side: side) {
                case .confirmed: return .at(offset)
                case .incomplete: waiting.append(offset)
                case .broken: break
                }
                offset += 1
            }
            state.syncScanned = offset
            state.syncCandidates = waiting
            return .needMore
        }
    }

    enum Chain {
        case confirmed
        case incomplete
        case broken
    }

    /// Whether plausible frame headers chain from `offset`.
    private static func chain(_ bytes: UnsafeRawBufferPointer, from offset: Int, side: CallSide) -> Chain {
        var position = offset
        var frames = 0
        while position + 9 <= bytes.count {
            let length = Int(bytes[position]) << 16 | Int(bytes[position + 1]) << 8 | Int(bytes[position + 2])
            let type = bytes[position + 3]
            let stream =
                Int(bytes[position + 5]) << 24 | Int(bytes[position + 6]) << 16 | Int(bytes[position + 7]) << 8
                | Int(bytes[position + 8])
            // The reserved bit is never set; a frame is at most 2^24 - 1 bytes by the header's own width.
            guard stream <= Int(Int32.max), plausible(type: type, length: length, stream: stream, side: side) else {
                return .broken
            }
            frames += 1
            position += 9 + length
            if frames == 3 || (frames == 2 && position == bytes.count) { return .confirmed }
        }
        return .incomplete
    }

    /// Whether a frame header could be one of `side`'s in a gRPC connection.
    private static func plausible(type: UInt8, length: Int, stream: Int, side: CallSide) -> Bool {
        switch type {
        case HTTP2FrameType.data, HTTP2FrameType.headers: stream != 0 && stream % 2 == 1  // client-opened streams
        case HTTP2FrameType.rstStream: stream != 0 && length == 4
        case HTTP2FrameType.settings: stream == 0 && length % 6 == 0
        case HTTP2FrameType.ping: stream == 0 && length == 8
        case HTTP2FrameType.goAway: stream == 0 && length >= 8
        case HTTP2FrameType.windowUpdate: length == 4
        case HTTP2FrameType.continuation: stream != 0 && stream % 2 == 1
        case HTTP2FrameType.priority: length == 5
        default: false
        }
    }

    /// The payload without its padding (PADDED flag); nil when the padding claims more than the frame.
    static func unpadded(_ payload: ByteBuffer, flags: UInt8) -> ByteBuffer? {
        guard flags & 0x8 != 0 else { return payload }
        var body = payload
        guard let padding = body.readInteger(as: UInt8.self), Int(padding) <= body.readableBytes else { return nil }
        return body.readSlice(length: body.readableBytes - Int(padding))
    }

    /// One direction's state.
    struct Side: Sendable {
        var prefaceLeft: Int
        var hpack: PassiveHPACKDecoder
        /// Whether frames start at the front of `pending` (false until a midway decoder found one).
        var synchronized: Bool
        /// Whether a header block of this side has been decoded yet.
        var decodedABlock = false
        /// Midway, before the first frame is found: offsets looked at so far, and those whose chain of
        /// frame headers ran past the end of the bytes held.
        var syncScanned = 0
        var syncCandidates: [Int] = []
        var pending: ByteBuffer?
        var headerBlock: (stream: Int, endStream: Bool, fragments: ByteBuffer)?
        /// Bytes of this direction fully decoded, for saying where a problem is.
        var consumed = 0

        init(prefaceLeft: Int, joinedMidway: Bool) {
            self.prefaceLeft = prefaceLeft
            synchronized = !joinedMidway
            hpack = PassiveHPACKDecoder(knowsEarlierEntries: !joinedMidway)
        }
    }
}
