import Foundation

/// A tmpfs of a few KiB mounted under a test's temporary directory, for a disk that fills up (root, as CI
/// runs). It is unmounted when the value is released; `resize` remounts it larger (room again).
public final class SmallFilesystem: @unchecked Sendable {
    /// Where it is mounted.
    public let path: String

    /// Whether this process may mount one (tests that need it are enabled on this).
    public static var available: Bool { geteuid() == 0 }

    /// Mounts a tmpfs of `size` (tmpfs's syntax: `64k`, `1m`) at `name` inside `directory`.
    public init(in directory: TemporaryDirectory, name: String = "tiny", size: String) async throws {
        path = directory.path(name).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try await Subprocess.check(["/bin/mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
    }

    /// A path inside it.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Remounts it with `size`, keeping what it holds.
    public func resize(to size: String) async throws {
        try await Subprocess.check(["/bin/mount", "-o", "remount,size=\(size)", path])
    }

    deinit { _ = try? Subprocess.run(["/bin/umount", path]) }
}
