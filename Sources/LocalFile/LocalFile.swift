#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole files read with POSIX calls: cheaper than Foundation's, and a failure says what the system said
/// ("No such file or directory", "Permission denied", "Is a directory") rather than Foundation's
/// "The operation could not be completed".
///
/// ```swift
/// let bytes = try LocalFile.read("recordings/demo.jsonl")
/// ```
public enum LocalFile {
    /// `path` with a leading `~` (alone or before `/`) replaced by the home directory: `$HOME` when set,
    /// as shells and other tools read it, else the account's. Foundation's `expandingTildeInPath` reads only
    /// the account's on Linux (as root it gives /root whatever `$HOME` says).
    public static func expandingHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        var home = getenv("HOME").map { String(cString: $0) } ?? ""
        if home.isEmpty, let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
            home = String(cString: directory)
        }
        guard !home.isEmpty else { return path }
        if home.count > 1, home.hasSuffix("/") { home.removeLast() }
        return home + path.dropFirst()
    }

    /// The bytes of the file at `path`; a file over `limit` bytes is refused before it is read.
    public static func read(_ path: String, limit: Int = .max) throws(LocalFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LocalFileError(path: path, code: errno) }
        defer { _ = close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw LocalFileError(path: path, code: errno) }
        if info.st_mode & S_IFMT == S_IFDIR { throw LocalFileError(path: path, code: EISDIR) }
        if Int(info.st_size) > limit {
            throw LocalFileError(path: path, code: EFBIG, size: Int(info.st_size), limit: limit)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: min(max(Int(info.st_size), 4096), 1 << 20))
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LocalFileError(path: path, code: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The text of the file at `path`, as UTF-8 (invalid bytes become U+FFFD).
    public static func readText(_ path: String, limit: Int = .max) throws(LocalFileError) -> String {
        String(decoding: try read(path, limit: limit), as: UTF8.self)
    }

    /// Writes `bytes` to `path`, replacing what was there (created with mode 0644 when new).
    public static func write(_ bytes: [UInt8], to path: String) throws(LocalFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LocalFileError(path: path, code: errno) }
        defer { _ = close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LocalFileError(path: path, code: errno)
            }
            offset += count
        }
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(descriptor, buffer, count)
        #else
            Darwin.write(descriptor, buffer, count)
        #endif
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(descriptor, buffer, count)
        #else
            Darwin.read(descriptor, buffer, count)
        #endif
    }
}

/// A file could not be read: its path and the system's reason. The description is
/// `PATH: REASON` ("calls.jsonl: No such file or directory"); callers add what the file was for.
public struct LocalFileError: Error, Sendable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    /// The `errno` value.
    public var code: Int32

    /// For a file refused by its size: its size and the limit it is over.
    public var size: Int?
    public var limit: Int?

    public init(path: String, code: Int32, size: Int? = nil, limit: Int? = nil) {
        self.path = path
        self.code = code
        self.size = size
        self.limit = limit
    }

    /// Whether the file (or a folder on its path) does not exist.
    public var isMissing: Bool { code == ENOENT || code == ENOTDIR }

    /// The system's words for `code`: "No such file or directory"; for a file over its limit, its size.
    public var reason: String {
        if let size, let limit { return "it is \(size) bytes, more than the \(limit) allowed" }
        return String(cString: strerror(code))
    }

    public var description: String { "\(path): \(reason)" }
}
