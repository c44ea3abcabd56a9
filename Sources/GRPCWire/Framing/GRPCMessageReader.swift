import NIOCore

/// Reads the gRPC messages of one direction of one stream out of DATA payloads, for observers that see
/// traffic without taking part in it (the recording proxy, the capture importer): messages are
/// reassembled across frames and decompressed with the stream's `grpc-encoding`, while the bytes on the
/// wire stay untouched.
///
/// ```swift
/// var reader = GRPCMessageReader(encoding: headers.first(name: "grpc-encoding"))
/// reader.append(frameBytes)
/// while let message = try reader.next() { record(message.payload, message.wireSize) }
/// ```
public struct GRPCMessageReader {
    /// One message as the application sees it, plus how it travelled.
    public struct Message {
        /// The payload, decompressed; the bytes as sent when ``decompressionFailure`` is set.
        public var payload: ByteBuffer
        /// The payload's length on the wire (compressed length when compressed), without the 5-byte prefix.
        public var wireSize: Int
        /// Whether the compressed flag was set.
        public var compressed: Bool
        /// Why the payload could not be decompressed (unknown encoding, corrupt data, too large).
        public var decompressionFailure: String?
    }

    private var deframer: MessageDeframer
    private let encodingName: String?
    private let algorithm: CompressionAlgorithm?
    private let compression: CompressionCache
    private let maxMessageSize: Int
    private let allocator = ByteBufferAllocator()

    /// A reader for a stream whose `grpc-encoding` header is `encoding` (nil or `identity`: none);
    /// messages longer than `maxMessageSize` bytes, before or after decompression, are errors.
    /// `decompressors` may be shared by the readers of many streams on one thread: each zlib stream costs
    /// tens of kilobytes.
    public init(
        encoding: String?, maxMessageSize: Int = 64 * 1024 * 1024,
        decompressors: GRPCDecompressors = GRPCDecompressors()
    ) {
        compression = decompressors.cache
        deframer = MessageDeframer(maxMessageSize: maxMessageSize)
        let name = encoding.flatMap { $0.isEmpty || $0 == "identity" ? nil : $0 }
        encodingName = name
        algorithm = name.flatMap { CompressionAlgorithm(named: $0) }
        self.maxMessageSize = maxMessageSize
    }

    /// Whether bytes of an unfinished message are held.
    public var hasPartialMessage: Bool { deframer.hasPartialMessage }

    /// Adds the payload of one DATA frame (padding excluded).
    public mutating func append(_ data: ByteBuffer) {
        deframer.append(data)
    }

    /// The next whole message, or nil until more bytes arrive. Throws when the bytes are not a gRPC
    /// message stream (a bad prefix, a message over the size limit); the stream cannot be read further.
    public mutating func next() throws(GRPCStatus) -> Message? {
        guard let message = try deframer.next() else { return nil }
        let wireSize = message.payload.readableBytes
        guard message.isCompressed else {
            return Message(payload: message.payload, wireSize: wireSize, compressed: false)
        }
        guard let algorithm else {
            let reason =
                encodingName.map { "the grpc-encoding \($0) is not supported; the bytes are as sent" }
                ?? "the compressed flag is set but the stream has no grpc-encoding; the bytes are as sent"
            return Message(payload: message.payload, wireSize: wireSize, compressed: true, decompressionFailure: reason)
        }
        do throws(ZlibDecompressor.Failure) {
            let payload = try compression.decompressor(algorithm).decompress(
                message.payload, limit: maxMessageSize, allocator: allocator)
            return Message(payload: payload, wireSize: wireSize, compressed: true)
        } catch {
            let reason: String
            switch error {
            case .tooLarge:
                reason = "decompressed, the message is larger than \(maxMessageSize) bytes; the bytes are as sent"
            case .corrupt(let detail):
                reason = "the \(algorithm.name) data is corrupt (\(detail)); the bytes are as sent"
            }
            return Message(
                payload: message.payload, wireSize: wireSize, compressed: true, decompressionFailure: reason)
        }
    }
}

/// zlib streams for ``GRPCMessageReader``s, made on first use and reused for every message after that.
/// Not thread-safe: share it between readers used on one thread.
public final class GRPCDecompressors {
    let cache = CompressionCache()

    /// An empty set; streams are made when a compressed message first needs one.
    public init() {}
}
