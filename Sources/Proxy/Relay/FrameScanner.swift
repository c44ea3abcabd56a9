import GRPCProtocol
import NIOCore

/// Follows the frame boundaries of one direction of a relayed HTTP/2 connection, reading nothing but the
/// 9-byte frame headers (and the first 8 payload bytes of PING and GOAWAY). The relay needs no more: where
/// a frame ends, so it can put a frame of its own between two (never inside a header block), and which
/// frames open, end or refuse streams, so it knows when a draining connection is done. Decoding is the
/// tap's job, on the recorder's thread.
///
/// One byte pattern is changed on the way: gRPC's "true binary metadata" setting (0xFE03) in a SETTINGS
/// frame becomes a reserved, ignored identifier (0x0A0A, HTTP/2's GREASE pattern). Peers that both
/// offer it would send `-bin` metadata as raw bytes, which HPACK decoders (NIOHPACK's included) read as
/// text and lose; without it they send base64, which the recording keeps exactly. The calls are the same.
struct FrameScanner {
    /// A frame whose last byte has passed.
    struct Frame {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        /// The first 8 payload bytes of a PING or GOAWAY, big-endian; 0 for other types.
        var head: UInt64

        var endStream: Bool {
            flags & HTTP2FrameFlags.endStream != 0 && (type == HTTP2FrameType.data || type == HTTP2FrameType.headers)
        }

    }

    /// Bytes of the client's connection preface still to pass (24 for a client's direction, else 0).
    private var prefaceLeft: Int
    /// The frame header read so far (fewer than 9 bytes when a read ended inside one).
    private var header: UInt128 = 0
    private var headerLength = 0
    /// The frame whose payload is passing, and how much of it is still to come.
    private var current: Frame?
    private var payloadLeft = 0
    private var headBytes = 0
    private var payloadLength = 0
    /// A header block is open (HEADERS or PUSH_PROMISE without END_HEADERS): its CONTINUATION frames must
    /// follow it directly, so nothing may be put in between.
    private var inHeaderBlock = false

    /// A scanner for one direction; `clientPreface` when it carries the client's bytes.
    init(clientPreface: Bool) {
        prefaceLeft = clientPreface ? 24 : 0
    }

    /// Whether a frame of the relay's own may be written now: between two frames and outside header blocks.
    var atBoundary: Bool {
        prefaceLeft == 0 && headerLength == 0 && current == nil && !inHeaderBlock
    }

    /// gRPC's setting for raw `-bin` metadata values, and what it is turned into.
    static let trueBinaryMetadata: UInt16 = 0xFE03
    static let ignoredSetting: UInt16 = 0x0A0A

    /// Passes bytes of `buffer` from `offset` until a frame ends (returned, `offset` just after it) or the
    /// buffer does (nil, `offset` at its end).
    mutating func next(in buffer: inout ByteBuffer, offset: inout Int) -> Frame? {
        let end = buffer.writerIndex
        if prefaceLeft > 0 {
            let take = min(prefaceLeft, end - offset)
            prefaceLeft -= take
            offset += take
        }
        while offset < end {
            if current == nil {
                // Frame header: take it whole when the buffer has it, else byte by byte across reads.
                if headerLength == 0, end - offset >= 9 {
                    let high = UInt128(buffer.getInteger(at: offset, as: UInt64.self)!)
                    let low = UInt128(buffer.getInteger(at: offset + 8, as: UInt8.self)!)
                    header = high << 8 | low
                    headerLength = 9
                    offset += 9
                } else {
                    header = header << 8 | UInt128(buffer.getInteger(at: offset, as: UInt8.self)!)
                    headerLength += 1
                    offset += 1
                    if headerLength < 9 { continue }
                }
                headerLength = 0
                let length = Int(truncatingIfNeeded: header >> 48) & 0xFF_FFFF
                current = Frame(
                    type: UInt8(truncatingIfNeeded: header >> 40), flags: UInt8(truncatingIfNeeded: header >> 32),
                    stream: UInt32(truncatingIfNeeded: header) & 0x7FFF_FFFF, head: 0)
                header = 0
                payloadLeft = length
                payloadLength = length
                headBytes = 0
                if current!.type == HTTP2FrameType.settings, current!.flags & HTTP2FrameFlags.ack == 0 {
                    hideTrueBinary(&buffer, offset, end)
                }
            }
            if payloadLeft > 0 {
                let take = min(payloadLeft, end - offset)
                if let type = current?.type, type == HTTP2FrameType.ping || type == HTTP2FrameType.goAway, headBytes < 8
                {
                    let wanted = min(8 - headBytes, take)
                    for index in 0..<wanted {
                        current!.head =
                            current!.head << 8 | UInt64(buffer.getInteger(at: offset + index, as: UInt8.self)!)
                    }
                    headBytes += wanted
                }
                payloadLeft -= take
                offset += take
                if payloadLeft > 0 { return nil }
            }
            let frame = current!
            current = nil
            payloadLength = 0
            switch frame.type {
            case HTTP2FrameType.headers, HTTP2FrameType.pushPromise:
                inHeaderBlock = frame.flags & HTTP2FrameFlags.endHeaders == 0
            case HTTP2FrameType.continuation: if frame.flags & HTTP2FrameFlags.endHeaders != 0 { inHeaderBlock = false }
            default: break
            }
            return frame
        }
        return nil
    }

    /// Turns the true-binary setting of a SETTINGS payload starting at `start` into an ignored one (the
    /// entries this read holds whole; a SETTINGS frame split inside an entry keeps that entry).
    private func hideTrueBinary(_ buffer: inout ByteBuffer, _ start: Int, _ end: Int) {
        var entry = start
        while entry + 6 <= min(end, start + payloadLength) {
            if buffer.getInteger(at: entry, as: UInt16.self) == Self.trueBinaryMetadata {
                buffer.setInteger(Self.ignoredSetting, at: entry)
            }
            entry += 6
        }
    }
}
