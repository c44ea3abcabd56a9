import NIOCore

/// One connection's zlib streams, created on first use and reused for every message after that.
/// Confined to the connection's event loop.
final class CompressionCache {
    private var compressors: [CompressionAlgorithm: ZlibCompressor] = [:]
    private var decompressors: [CompressionAlgorithm: ZlibDecompressor] = [:]

    func compressor(_ algorithm: CompressionAlgorithm) -> ZlibCompressor {
        if let existing = compressors[algorithm] { return existing }
        let created = ZlibCompressor(algorithm)
        compressors[algorithm] = created
        return created
    }

    func decompressor(_ algorithm: CompressionAlgorithm) -> ZlibDecompressor {
        if let existing = decompressors[algorithm] { return existing }
        let created = ZlibDecompressor(algorithm)
        decompressors[algorithm] = created
        return created
    }
}
