import Foundation

/// Finds `.proto` files the way k6's `client.load` does: each import path in order, joined to the
/// name with Go's `filepath.Join` (an absolute name is appended, not substituted), relative results
/// taken from the base directory; imports resolve against the import paths only, never against the
/// importing file's folder. The well-known types are built in as a fallback.
struct ImportResolver {
    /// Reads an absolute path: the bytes, nil when there is no such file, or an error.
    typealias FileReader = @Sendable (String) throws -> [UInt8]?

    let importPaths: [String]
    let baseDirectory: String
    private let readFile: FileReader

    /// An empty `importPaths` means the base directory; `file://` prefixes are stripped.
    init(importPaths: [String], baseDirectory: String, readFile: @escaping FileReader = ImportResolver.readFromDisk) {
        let stripped = importPaths.map { $0.hasPrefix("file://") ? String($0.dropFirst(7)) : $0 }
        self.importPaths = stripped.isEmpty ? [baseDirectory] : stripped
        self.baseDirectory = baseDirectory
        self.readFile = readFile
    }

    /// The absolute paths tried for `name`, in order.
    func candidates(for name: String) -> [String] {
        importPaths.map { path in
            let joined = Self.join(path, name)
            return joined.hasPrefix("/") ? joined : Self.join(baseDirectory, joined)
        }
    }

    /// The source of `name`: the first candidate that exists, else a bundled well-known file.
    func read(_ name: String) throws -> [UInt8]? {
        for candidate in candidates(for: name) {
            if let bytes = try readFile(candidate) { return bytes }
        }
        return WellKnownProtos.source(for: name)
    }

    static func readFromDisk(_ path: String) throws -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SchemaError(.io, "open \(path): cannot read the file (check its permissions)")
        }
        return [UInt8](data)
    }

    // MARK: Go's path/filepath

    /// `filepath.Join`: non-empty elements joined with `/`, then cleaned.
    static func join(_ elements: String...) -> String {
        let parts = elements.filter { !$0.isEmpty }
        if parts.isEmpty { return "" }
        return clean(parts.joined(separator: "/"))
    }

    /// `filepath.Clean`: the shortest equivalent path, processed lexically.
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let body = parts.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }
}
