import GRPCProtocol
import NIOCore

/// Writes gRPC's length-prefixed messages: a compressed-flag byte, a 4-byte big-endian length, the payload.
enum MessageFramer {
    /// The prefix length.
    static let prefixLength = MessagePrefix.length

    /// The framed form of `message`, compressed with `compressor` when one is given.
    ///
    /// Throws `RESOURCE_EXHAUSTED` when the payload that would be sent exceeds `maxSize` (grpc-go's wording).
    static func frame(
        _ message: ByteBuffer, compressor: ZlibCompressor?, maxSize: Int, allocator: ByteBufferAllocator
    ) throws(GRPCStatus) -> ByteBuffer {
        if let compressor {
            var buffer = allocator.buffer(capacity: prefixLength + message.readableBytes / 2 + 64)
            buffer.moveWriterIndex(forwardBy: prefixLength)
            compressor.compress(message, into: &buffer)
            let length = buffer.readableBytes - prefixLength
            try checkSendSize(length, maxSize: maxSize)
            buffer.setInteger(UInt8(1), at: buffer.readerIndex)
            buffer.setInteger(UInt32(length), at: buffer.readerIndex + 1)
            return buffer
        }
        try checkSendSize(message.readableBytes, maxSize: maxSize)
        var buffer = allocator.buffer(capacity: prefixLength + message.readableBytes)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(message.readableBytes))
        buffer.writeImmutableBuffer(message)
        return buffer
    }

    private static func checkSendSize(_ size: Int, maxSize: Int) throws(GRPCStatus) {
        guard size <= maxSize, size <= Int(UInt32.max) else {
            throw GRPCStatus(
                code: .resourceExhausted,
                message: "trying to send message larger than max (\(size) vs. \(maxSize))")
        }
    }
}
