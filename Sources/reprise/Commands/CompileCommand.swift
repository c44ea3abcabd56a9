import ArgumentParser
import Foundation
import ProtoSchema
import SwiftProtobuf

/// `reprise compile`: turns `.proto` files into a protoset (a binary FileDescriptorSet), like
/// `protoc --descriptor_set_out`, with Reprise's own compiler.
struct CompileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract:
            "Compile .proto files into a protoset (binary FileDescriptorSet), as protoc --descriptor_set_out does.",
        discussion: """
            Imports are looked up in the -I directories in order (the current directory when none is given); \
            the well-known types (google/protobuf/*.proto) are built in. A file given by a path inside an -I \
            directory is named relative to it, as protoc does.

            Example: reprise compile -I protos -o service.protoset --include-imports protos/service.proto
            """
    )

    @Option(
        name: [.customShort("I", allowingJoined: true), .customLong("proto_path"), .customLong("proto-path")],
        help: ArgumentHelp("A directory to look for imports in; repeat for several, tried in order.", valueName: "dir"))
    var importPaths: [String] = []

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("Where to write the protoset.", valueName: "file"))
    var output: String

    @Flag(
        name: [.customLong("include-imports"), .customLong("include_imports")],
        help: "Also write every file the inputs import, dependencies first (protoc's --include_imports).")
    var includeImports = false

    @Argument(help: ArgumentHelp("The .proto files to compile.", valueName: "file.proto"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one .proto file to compile.") }
    }

    func run() async throws {
        let directory = FileManager.default.currentDirectoryPath
        let names = Self.virtualNames(of: files, importPaths: importPaths, currentDirectory: directory)
        let set: Google_Protobuf_FileDescriptorSet
        do {
            let protos = try ProtoLoader(importPaths: importPaths, baseDirectory: directory).load(names)
            set = Self.descriptorSet(protos, requested: names, includeImports: includeImports)
        } catch let error as SchemaError {
            StandardStream.error.write("\(error)\n")
            throw ExitCode(1)
        }
        do {
            try Self.write(try Self.serialize(set), to: output)
        } catch {
            throw CommandError("cannot write the protoset \(output): \(error)", status: .unwritableOutput)
        }
    }

    /// The set's bytes, built file by file: SwiftProtobuf sizes nested messages once per level, so
    /// framing the files here saves a pass over the whole set.
    static func serialize(_ set: Google_Protobuf_FileDescriptorSet) throws -> [UInt8] {
        var out: [UInt8] = []
        for file in set.file {
            let bytes: [UInt8] = try file.serializedBytes()
            out.append(0x0A)  // field 1, length-delimited
            var length = UInt64(bytes.count)
            while length >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            out.append(UInt8(length))
            out += bytes
        }
        return out
    }

    /// Writes with plain C stdio: Foundation's `Data.write` syncs the file to disk, which costs
    /// more than compiling (protoc does not sync either).
    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw WriteFailed(reason: String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if fclose(file) != 0 || written != bytes.count {
            throw WriteFailed(reason: String(cString: strerror(errno)))
        }
    }

    struct WriteFailed: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// The requested files in the order given, or with their imports first (protoc's order).
    static func descriptorSet(
        _ protos: [Google_Protobuf_FileDescriptorProto], requested: [String], includeImports: Bool
    ) -> Google_Protobuf_FileDescriptorSet {
        var set = Google_Protobuf_FileDescriptorSet()
        if includeImports {
            set.file = protos
        } else {
            let byName = Dictionary(protos.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var seen = Set<String>()
            set.file = requested.compactMap { seen.insert($0).inserted ? byName[$0] : nil }
        }
        return set
    }

    /// A path on disk under an import path becomes the name relative to it (protoc's
    /// `MakeInputsBeRelativeToProtoPath`); anything else is looked up in the import paths as is.
    static func virtualNames(of files: [String], importPaths: [String], currentDirectory: String) -> [String] {
        func absolute(_ path: String) -> String {
            normalized(path.hasPrefix("/") ? path : currentDirectory + "/" + path)
        }
        let prefixes = (importPaths.isEmpty ? [currentDirectory] : importPaths).map { root in
            let path = absolute(root.hasPrefix("file://") ? String(root.dropFirst(7)) : root)
            return path.hasSuffix("/") ? path : path + "/"
        }
        return files.map { file in
            guard access(file, F_OK) == 0 else { return file }
            let target = absolute(file)
            guard let prefix = prefixes.first(where: { target.hasPrefix($0) }) else { return file }
            return String(target.dropFirst(prefix.count))
        }
    }

    /// An absolute path with `.`, `..` and repeated slashes resolved lexically.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
            } else {
                parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
