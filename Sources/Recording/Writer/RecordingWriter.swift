import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends a recording to a file: the header line when created, then one line per event.
///
/// Lines are built in memory and go to the file with one `write(2)` per ``flush()`` (``write(_:)`` appends
/// and flushes), so the file only ever grows by whole lines and a crash loses at most the line being
/// written. ``SyncPolicy`` says when `fsync` runs. Not thread-safe: one thread writes; another may only call
/// ``stopWriting()``.
public final class RecordingWriter {
    /// The file's path.
    public let path: String
    /// The header line written first.
    public let header: RecordingHeader
    /// Bytes written to the file so far (header included).
    public private(set) var bytesWritten = 0
    /// Event lines written so far.
    public private(set) var eventsWritten = 0
    private let descriptor: Int32
    /// The file's length after the last whole flush: a failed write is cut back to it, so the file always
    /// ends with a whole line.
    private var fileLength: off_t = 0
    private let syncPolicy: SyncPolicy
    private var pending = LineBuffer(capacity: 64 * 1024)
    private var pendingEvents = 0
    private var unsynced = false
    private var lastSync = ContinuousClock.now
    private let writeLock = NSLock()
    private var closed = false

    /// Creates `path` (refusing to replace an existing file unless `overwrite`), with permissions 0600
    /// because recordings hold real traffic, and writes the header line.
    public init(
        path: String, header: RecordingHeader, sync: SyncPolicy = .defaults, overwrite: Bool = false
    ) throws(RecordingWriteError) {
        self.path = path
        self.header = header
        self.syncPolicy = sync
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND
        flags |= overwrite ? O_TRUNC : O_EXCL
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST {
                throw RecordingWriteError(
                    path: path, reason: "the file already exists; choose another name or pass --overwrite")
            }
            throw RecordingWriteError(path: path, reason: String(cString: strerror(code)))
        }
        descriptor = fd
        pending.header(header)
        try flush()
    }

    /// Opens the existing recording at `path` to add events after its last line (a mock growing with use);
    /// `header` is the header the file starts with. Nothing is written until an event is.
    public init(appendingTo path: String, header: RecordingHeader, sync: SyncPolicy = .defaults)
        throws(RecordingWriteError)
    {
        self.path = path
        self.header = header
        self.syncPolicy = sync
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw RecordingWriteError(path: path, reason: String(cString: strerror(errno))) }
        descriptor = fd
        var info = stat()
        if fstat(fd, &info) == 0 { fileLength = info.st_size }
    }

    deinit {
        if !closed { _ = posixClose(descriptor) }
    }

    /// Buffers the line of `event`; ``flush()`` writes it.
    public func append(_ event: RecordingEvent) {
        pending.event(event)
        pendingEvents += 1
    }

    /// Buffers a line built by the caller (the session's fast path).
    func appendLine(_ build: (inout LineBuffer) -> Void) {
        build(&pending)
        pendingEvents += 1
    }

    /// Appends the line of `event` and flushes it.
    public func write(_ event: RecordingEvent) throws(RecordingWriteError) {
        append(event)
        try flush()
    }

    /// The bytes buffered and not yet written.
    public var pendingBytes: Int { pending.count }

    /// Writes every buffered line with one `write(2)` (repeated only on a short write), then syncs if the
    /// policy says it is time.
    public func flush() throws(RecordingWriteError) {
        guard !pending.isEmpty else { return }
        writeLock.lock()
        defer { writeLock.unlock() }
        guard !closed else { throw RecordingWriteError(path: path, reason: "the writer is closed") }
        let bytes = pending.bytes
        let count = bytes.count
        var offset = 0
        let failure: Int32? = {
            while offset < count {
                let written = posixWrite(descriptor, bytes.baseAddress! + offset, count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }()
        if let failure {
            // Part of the lines reached the file (a disk that filled up mid-write): keep the whole lines that
            // did and cut off the rest, so everything recorded up to there reads as it is.
            let written = UnsafeRawBufferPointer(rebasing: bytes[..<offset])
            let kept = (written.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
            _ = ftruncate(descriptor, fileLength + off_t(kept))
            let lines = written[..<kept].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            fileLength += off_t(kept)
            bytesWritten += kept
            eventsWritten += lines
            pendingEvents -= lines
            // Those lines are in the file: a later flush writes only what follows them.
            pending.removeFirst(kept)
            throw RecordingWriteError(path: path, reason: String(cString: strerror(failure)))
        }
        fileLength += off_t(count)
        bytesWritten += count
        eventsWritten += pendingEvents
        pendingEvents = 0
        pending.removeAll(keepingCapacityUpTo: 1 << 20)
        unsynced = true
        switch syncPolicy {
        case .never: break
        case .always: try syncLocked()
        case .periodic(let interval):
            if ContinuousClock.now - lastSync >= interval { try syncLocked() }
        }
    }

    /// Syncs if lines were written since the last sync and the periodic interval has passed (call it when
    /// idle so the last lines of a burst do not wait for the next write).
    public func syncIfDue() throws(RecordingWriteError) {
        guard unsynced, case .periodic(let interval) = syncPolicy, ContinuousClock.now - lastSync >= interval else {
            return
        }
        writeLock.lock()
        defer { writeLock.unlock() }
        try syncLocked()
    }

    /// Forces everything written so far to disk.
    public func sync() throws(RecordingWriteError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        try syncLocked()
    }

    private func syncLocked() throws(RecordingWriteError) {
        guard !closed else { return }
        lastSync = ContinuousClock.now
        unsynced = false
        if fsync(descriptor) != 0 {
            throw RecordingWriteError(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes, syncs and closes the file.
    public func close() throws(RecordingWriteError) {
        guard !closed else { return }
        try flush()
        try sync()
        writeLock.lock()
        defer { writeLock.unlock() }
        closed = true
        if posixClose(descriptor) != 0 {
            throw RecordingWriteError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Waits for a `write(2)` in progress to finish and blocks every later one, for a process about to exit
    /// at once: the file then ends with a whole line. Safe from any thread; the writer is unusable after.
    public func stopWriting() {
        writeLock.lock()
        // Never unlocked: the writing thread blocks in its next flush until the process exits.
    }
}

// File-scope wrappers: inside the class, `close` and `write` name its own methods.
private func posixClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
