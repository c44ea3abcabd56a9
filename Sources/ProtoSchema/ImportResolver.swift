import Foundation
import LocalFile

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// Reads a file. A missing file (or a folder) is nil; any other failure is an error, as in k6.
    static func readFromDisk(_ path: String) throws -> [UInt8]? {
        do {
            return try LocalFile.read(path)
        } catch let error where error.isMissing || error.code == EISDIR {
            return nil
        } catch {
            throw SchemaError(.io, "open \(error)")
        }
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
        let input = Array(path.utf8)
        guard let first = input.first else { return "." }
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let rooted = first == slash
        var parts: [ArraySlice<UInt8>] = []
        func isDotDot(_ part: ArraySlice<UInt8>) -> Bool { part.count == 2 && part.first == dot && part.last == dot }
        var start = 0
        for index in 0...input.count where index == input.count || input[index] == slash {
            let part = input[start..<index]
            start = index + 1
            if part.isEmpty || (part.count == 1 && part.first == dot) { continue }
            if isDotDot(part) {
                if let last = parts.last, !isDotDot(last) {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
            } else {
                parts.append(part)
            }
        }
        var output: [UInt8] = rooted ? [slash] : []
        for (index, part) in parts.enumerated() {
            if index > 0 { output.append(slash) }
            output += part
        }
        return output.isEmpty ? "." : String(decoding: output, as: UTF8.self)
    }
}
