import CZlib
import NIOCore

/// A reusable zlib compressor for one format; reset between messages so its memory (about 256 KiB) is paid
/// once per connection, not per message. Not thread-safe: owned by one connection on its event loop.
final class ZlibCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    let algorithm: CompressionAlgorithm

    init(_ algorithm: CompressionAlgorithm) {
        self.algorithm = algorithm
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let result = deflateInit2_(
            stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, algorithm.zlibWindowBits, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(result == Z_OK, "deflateInit2 failed with \(result): out of memory")
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Appends the compressed form of `input` to `output`.
    func compress(_ input: ByteBuffer, into output: inout ByteBuffer) {
        deflateReset(stream)
        let bound = Int(deflateBound(stream, UInt(input.readableBytes)))
        output.reserveCapacity(minimumWritableBytes: bound)
        input.withUnsafeReadableBytes { source in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(source.count)
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { target in
                stream.pointee.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = UInt32(target.count)
                let result = deflate(stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate with a deflateBound-sized buffer returned \(result)")
                return target.count - Int(stream.pointee.avail_out)
            }
        }
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
    }
}

/// A reusable zlib decompressor that refuses to produce more than a limit, so a small compressed message
/// cannot expand into gigabytes (a zip bomb) before the size check sees it.
final class ZlibDecompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    let algorithm: CompressionAlgorithm

    init(_ algorithm: CompressionAlgorithm) {
        self.algorithm = algorithm
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let result = inflateInit2_(stream, algorithm.zlibWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(result == Z_OK, "inflateInit2 failed with \(result): out of memory")
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    enum Failure: Error, Equatable {
        /// The output would exceed the limit; carries the bytes produced when it stopped.
        case tooLarge(atLeast: Int)
        /// The input is not valid data in this format.
        case corrupt(String)
    }

    /// Decompresses `input` (one whole message) into a new buffer of at most `limit` bytes.
    func decompress(_ input: ByteBuffer, limit: Int, allocator: ByteBufferAllocator) throws(Failure) -> ByteBuffer {
        inflateReset(stream)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        var output = allocator.buffer(capacity: min(max(input.readableBytes * 4, 256), limit + 1))
        var failure: Failure?
        input.withUnsafeReadableBytes { source in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(source.count)
            while true {
                // Leave room for one byte past the limit so "exactly at the limit" and "over" are told apart.
                let grow = max(output.writableBytes, min(output.readableBytes, 1 << 20), 4096)
                let room = min(grow, limit + 1 - output.readableBytes)
                if room <= 0 {
                    failure = .tooLarge(atLeast: output.readableBytes)
                    return
                }
                var result: Int32 = Z_OK
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { target in
                    stream.pointee.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = UInt32(room)
                    result = inflate(stream, Z_NO_FLUSH)
                    return room - Int(stream.pointee.avail_out)
                }
                switch result {
                case Z_STREAM_END:
                    if output.readableBytes > limit { failure = .tooLarge(atLeast: output.readableBytes) }
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    failure = .corrupt("unexpected end of compressed data")
                    return
                case Z_BUF_ERROR:
                    continue
                default:
                    let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(result)"
                    failure = .corrupt(reason)
                    return
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
