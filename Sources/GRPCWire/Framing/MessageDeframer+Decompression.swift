import GRPCProtocol
import NIOCore

extension MessageDeframer.Message {
    /// The payload ready for the application: decompressed with the stream's `grpc-encoding` when the flag
    /// is set, never larger than `limit` bytes.
    func decodedPayload(
        encoding: CompressionAlgorithm?, cache: CompressionCache, limit: Int, allocator: ByteBufferAllocator
    ) throws(GRPCStatus) -> ByteBuffer {
        guard isCompressed else { return payload }
        guard let encoding else {
            throw GRPCStatus(
                code: .internalError, message: "grpc: compressed flag set with identity or empty encoding")
        }
        do throws(ZlibDecompressor.Failure) {
            return try cache.decompressor(encoding).decompress(payload, limit: limit, allocator: allocator)
        } catch {
            switch error {
            case .tooLarge:
                throw GRPCStatus(
                    code: .resourceExhausted,
                    message: "grpc: received message after decompression larger than max \(limit)")
            case .corrupt(let reason):
                throw GRPCStatus(
                    code: .internalError, message: "grpc: failed to decompress the received message: \(reason)")
            }
        }
    }
}
