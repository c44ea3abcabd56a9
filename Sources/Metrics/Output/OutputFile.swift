import CZlib
import LocalFile

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

private func posixClose(_ descriptor: Int32) { _ = close(descriptor) }

private func posixWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}

/// A file opened for writing, plain or gzip-compressed (when the path ends in `.gz`, like k6).
public final class OutputFile {
    private let descriptor: Int32
    private var gzip: UnsafeMutablePointer<z_stream>?
    private var compressed: [UInt8] = []
    public let path: String

    /// Creates (truncates) `path`; gzip when it ends in `.gz`.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw MetricsError(
                .io,
                "cannot create '\(path)': \(String(cString: strerror(errno))); check the folder exists and is writable")
        }
        if path.hasSuffix(".gz") {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // windowBits 15 + 16 asks zlib for a gzip header and trailer.
            let status = deflateInit2_(
                stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                posixClose(descriptor)
                throw MetricsError(.io, "cannot start gzip for '\(path)' (zlib status \(status))")
            }
            gzip = stream
            compressed = [UInt8](repeating: 0, count: 64 * 1024)
        }
    }

    /// Writes all of `bytes` (compressing them first for `.gz`).
    public func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if gzip != nil {
            try deflate(bytes, flush: Z_NO_FLUSH)
        } else {
            try writeAll(bytes[...])
        }
    }

    /// Finishes the gzip stream (if any) and closes the file.
    public func close() throws {
        defer {
            if let stream = gzip {
                deflateEnd(stream)
                stream.deallocate()
                gzip = nil
            }
            posixClose(descriptor)
        }
        if gzip != nil { try deflate([], flush: Z_FINISH) }
    }

    private func deflate(_ bytes: [UInt8], flush: Int32) throws {
        guard let stream = gzip else { return }
        var input = bytes
        try input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.pointee.next_in = inputBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inputBuffer.count)
            while true {
                let produced = try compressed.withUnsafeMutableBufferPointer { outputBuffer -> Int in
                    stream.pointee.next_out = outputBuffer.baseAddress
                    stream.pointee.avail_out = UInt32(outputBuffer.count)
                    let status = CZlib.deflate(stream, flush)
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        throw MetricsError(.io, "gzip failed while writing '\(path)' (zlib status \(status))")
                    }
                    return outputBuffer.count - Int(stream.pointee.avail_out)
                }
                if produced > 0 { try writeAll(compressed[..<produced]) }
                let finished = flush == Z_FINISH ? produced < compressed.count : stream.pointee.avail_in == 0
                if finished && stream.pointee.avail_out != 0 { break }
            }
        }
    }

    /// Writes all of `bytes` or, when the disk fills or fails part way, none: the file is cut back to where
    /// it was, so it ends with the last whole write (whole lines, for the line-per-call outputs).
    private func writeAll(_ bytes: ArraySlice<UInt8>) throws {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let failure = String(cString: strerror(errno))
                if offset > bytes.startIndex {
                    let end = lseek(descriptor, 0, SEEK_CUR) - off_t(offset - bytes.startIndex)
                    if ftruncate(descriptor, end) == 0 { _ = lseek(descriptor, end, SEEK_SET) }
                }
                throw MetricsError(.io, "cannot write '\(path)': \(failure)")
            }
            offset += written
        }
    }
}

/// Reads a whole file as bytes (summary files for merging).
enum InputFile {
    static func read(_ path: String) throws -> [UInt8] {
        do {
            return try LocalFile.read(path)
        } catch {
            throw MetricsError(.io, "cannot read '\(path)': \(error.reason)")
        }
    }
}
