import Foundation
import SwiftProtobuf

/// Compiles `.proto` files into descriptors without any external compiler, resolving imports with
/// k6's `client.load` rules (see ``ImportResolver``).
///
/// The descriptors equal what `protoc --include_imports --descriptor_set_out` writes for the same
/// files (without source info). Errors are ``SchemaError``s worded and located like protoc's:
/// `file.proto:12:5: "Foo" is not defined.`
public struct ProtoLoader: Sendable {
    /// Where imports are looked up, in order; an empty list means ``baseDirectory``.
    public let importPaths: [String]
    /// What relative import paths (and an empty list) refer to: the script's folder for k6-style
    /// loading, the current directory for the CLI.
    public let baseDirectory: String
    private let readFile: ImportResolver.FileReader

    /// A loader; `baseDirectory` defaults to the current directory.
    public init(importPaths: [String], baseDirectory: String? = nil) {
        self.init(importPaths: importPaths, baseDirectory: baseDirectory, readFile: ImportResolver.readFromDisk)
    }

    /// A loader reading files through `readFile` (absolute path to bytes, nil when absent).
    init(importPaths: [String], baseDirectory: String?, readFile: @escaping ImportResolver.FileReader) {
        self.importPaths = importPaths
        self.baseDirectory = baseDirectory ?? FileManager.default.currentDirectoryPath
        self.readFile = readFile
    }

    /// The requested files and their transitive imports, each after the files it imports.
    public func load(_ files: [String]) throws -> [Google_Protobuf_FileDescriptorProto] {
        let resolver = ImportResolver(importPaths: importPaths, baseDirectory: baseDirectory, readFile: readFile)
        let compilation = Compilation(read: resolver.read)
        compilation.describeMissing = { name in
            "looked for " + resolver.candidates(for: name).joined(separator: ", ")
        }
        for name in files {
            try compilation.compile(name)
        }
        return compilation.ordered.map(\.proto)
    }
}

extension DescriptorPool {
    /// Compiles `.proto` files (with k6's import rules) and links them into a pool.
    public convenience init(importPaths: [String], files: [String], baseDirectory: String? = nil) throws {
        try self.init(files: ProtoLoader(importPaths: importPaths, baseDirectory: baseDirectory).load(files))
    }
}
