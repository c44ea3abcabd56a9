import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard output and standard error for the commands, written whole. A reader that has gone
/// (`reprise list ... | head -1`) ends the process at once and quietly, with the status of a Unix tool
/// stopped by SIGPIPE (141): swift-nio ignores SIGPIPE for the whole process, and Foundation's
/// `FileHandle.write` traps on the EPIPE that follows.
struct StandardStream: Sendable {
    static let output = StandardStream(descriptor: STDOUT_FILENO)
    static let error = StandardStream(descriptor: STDERR_FILENO)

    /// The status a shell reports for a process SIGPIPE ended (128 + 13).
    static let brokenPipeStatus: Int32 = 141

    let descriptor: Int32

    func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    func write(_ data: Data) { data.withUnsafeBytes { write($0) } }

    func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, base + offset, bytes.count - offset)
            if written >= 0 {
                offset += written
            } else if errno == EINTR {
                continue
            } else if errno == EPIPE {
                _exit(Self.brokenPipeStatus)
            } else {
                return  // another failure (a full disk): dropped, as print drops it
            }
        }
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif
