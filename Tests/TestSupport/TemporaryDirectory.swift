import Foundation

/// A fresh directory under the system temporary directory, removed when the value is released, and at
/// the latest when the test process exits (a suite's shared fixture lives in a `static` that is never
/// released).
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init(prefix: String = "reprise-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        liveDirectories.insert(url.path)
    }

    /// A path inside the directory.
    public func path(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `contents` to `name` (creating folders) and returns its URL.
    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> URL {
        let file = path(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: file)
        return file
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
        liveDirectories.remove(url.path)
    }
}

/// The directories not yet removed, which the process removes as it exits.
private let liveDirectories = LiveDirectories()

private final class LiveDirectories: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: Set<String> = []

    init() {
        atexit {
            for path in liveDirectories.snapshot { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    func insert(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    func remove(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    var snapshot: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return paths
    }
}
