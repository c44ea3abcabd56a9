import Foundation

/// Output paths checked before a run starts, so a typo in `--report` or `--junit` fails in a second
/// instead of after an hour's replay.
public enum OutputPath {
    /// Throws unless `path` can be created or replaced: its folder exists and is writable, and it is not a
    /// folder itself.
    public static func check(_ path: String, option: String) throws(ReplayError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw ReplayError(.unwritableOutput, "\(option) \(path): is a folder; give a file name")
            }
            if !manager.isWritableFile(atPath: path) {
                throw ReplayError(.unwritableOutput, "\(option) \(path): the file is not writable")
            }
            return
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReplayError(
                .unwritableOutput, "\(option) \(path): the folder \(folder) does not exist; create it first")
        }
        if !manager.isWritableFile(atPath: folder) {
            throw ReplayError(.unwritableOutput, "\(option) \(path): the folder \(folder) is not writable")
        }
    }
}

/// Writes a whole file atomically: a temporary file in the same folder, then a rename over the target, so
/// a reader (or a crash) sees the old file or the new one, never half of one.
public enum AtomicFile {
    /// Writes `bytes` to `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(bytes).write(to: temporary)
            if FileManager.default.fileExists(atPath: path),
                let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let permissions = attributes[.posixPermissions]
            {
                try? FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
            }
            guard rename(temporary.path, path) == 0 else {
                throw ReplayError(
                    .unwritableOutput, "cannot rename \(temporary.path) to \(path): \(String(cString: strerror(errno)))"
                )
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
