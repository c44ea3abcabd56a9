import GRPCProtocol
import NIOCore

/// Reads gRPC's length-prefixed messages out of DATA frame payloads, however the frames split them: a
/// message may span frames and a frame may hold several messages.
///
/// Whole messages inside one frame are returned as slices of that frame's buffer (no copy); bytes are only
/// copied when a message spans frames. The size limit is checked as soon as a prefix is read, before any
/// of that message's payload is buffered.
struct MessageDeframer {
    /// One message as it was on the wire.
    struct Message {
        /// Whether the compressed flag was set.
        var isCompressed: Bool
        /// The payload, still compressed when `isCompressed`.
        var payload: ByteBuffer
        /// Prefix plus payload: the flow-controlled bytes this message used.
        var wireLength: Int { payload.readableBytes + MessageFramer.prefixLength }
    }

    private var buffer: ByteBuffer?
    /// The largest payload accepted, before decompression.
    var maxMessageSize: Int

    init(maxMessageSize: Int) { self.maxMessageSize = maxMessageSize }

    /// Whether bytes of an unfinished message are held (an error if the stream ends now).
    var hasPartialMessage: Bool { (buffer?.readableBytes ?? 0) > 0 }

    /// Adds the payload of one DATA frame.
    mutating func append(_ data: ByteBuffer) {
        if var existing = buffer, existing.readableBytes > 0 {
            buffer = nil  // keep the storage uniquely referenced so the append does not copy it
            existing.writeImmutableBuffer(data)
            buffer = existing
        } else {
            buffer = data
        }
    }

    /// The next complete message, or `nil` when more bytes are needed.
    mutating func next() throws(GRPCStatus) -> Message? {
        guard var current = buffer, current.readableBytes >= MessageFramer.prefixLength else { return nil }
        let start = current.readerIndex
        let prefix: MessagePrefix
        do throws(MessagePrefix.Problem) {
            prefix = try MessagePrefix(
                flag: current.getInteger(at: start, as: UInt8.self)!,
                length: current.getInteger(at: start + 1, as: UInt32.self)!, limit: maxMessageSize)
        } catch {
            let code: StatusCode = if case .tooLarge = error { .resourceExhausted } else { .internalError }
            throw GRPCStatus(code: code, message: error.message)
        }
        let length = prefix.payloadLength
        guard current.readableBytes >= MessageFramer.prefixLength + length else {
            // Make room for the whole message once, rather than growing frame by frame.
            let needed = MessageFramer.prefixLength + length
            if current.capacity - current.readerIndex < needed, current.readableBytes < needed {
                buffer = nil
                var grown = ByteBufferAllocator().buffer(capacity: needed)
                grown.writeImmutableBuffer(current)
                buffer = grown
            }
            return nil
        }
        buffer = nil
        current.moveReaderIndex(forwardBy: MessageFramer.prefixLength)
        let payload = current.readSlice(length: length)!
        buffer = current.readableBytes > 0 ? current : nil
        return Message(isCompressed: prefix.compressed, payload: payload)
    }
}
