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

    @Flag(name: .customLong("include-imports"), help: "Also write every file the inputs import, dependencies first.")
    var includeImports = false

    @Argument(help: ArgumentHelp("The .proto files to compile.", valueName: "file.proto"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one .proto file to compile.") }
    }

    func run() async throws {
        let directory = FileManager.default.currentDirectoryPath
        let names = files.map { Self.virtualName(of: $0, importPaths: importPaths, currentDirectory: directory) }
        let set: Google_Protobuf_FileDescriptorSet
        do {
            let protos = try ProtoLoader(importPaths: importPaths, baseDirectory: directory).load(names)
            set = Self.descriptorSet(protos, requested: names, includeImports: includeImports)
        } catch let error as SchemaError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        do {
            try Self.write(try set.serializedBytes(), to: output)
        } catch {
            FileHandle.standardError.write(Data("\(output): cannot write the protoset: \(error)\n".utf8))
            throw ExitCode(1)
        }
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
    static func virtualName(of file: String, importPaths: [String], currentDirectory: String) -> String {
        guard FileManager.default.fileExists(atPath: file) else { return file }
        func absolute(_ path: String) -> String {
            let joined = path.hasPrefix("/") ? path : currentDirectory + "/" + path
            return URL(fileURLWithPath: joined).standardizedFileURL.path
        }
        let target = absolute(file)
        let roots = importPaths.isEmpty ? [currentDirectory] : importPaths
        for root in roots {
            var prefix = absolute(root.hasPrefix("file://") ? String(root.dropFirst(7)) : root)
            if !prefix.hasSuffix("/") { prefix += "/" }
            if target.hasPrefix(prefix) { return String(target.dropFirst(prefix.count)) }
        }
        return file
    }
}
