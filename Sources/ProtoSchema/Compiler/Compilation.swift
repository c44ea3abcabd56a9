import SwiftProtobuf

/// A `.proto` file after linking: its syntax tree and the descriptor protoc would write for it.
final class CompiledFile {
    let node: FileNode
    let proto: Google_Protobuf_FileDescriptorProto
    let dependencies: [CompiledFile]
    let publicDependencies: [CompiledFile]

    init(
        node: FileNode, proto: Google_Protobuf_FileDescriptorProto, dependencies: [CompiledFile],
        publicDependencies: [CompiledFile]
    ) {
        self.node = node
        self.proto = proto
        self.dependencies = dependencies
        self.publicDependencies = publicDependencies
    }
}

/// One compiler run. Like protoc's descriptor pool, every file loaded in a run shares one symbol
/// table; files are parsed once, their imports compiled first (depth first, cycles reported), and
/// each file is linked against what it imports.
final class Compilation {
    /// Reads a file by the name it is imported as; nil when no import path has it.
    typealias SourceReader = (String) throws -> [UInt8]?

    let symbols = SymbolTable()
    let extensionIndex = ExtensionIndex()
    private(set) var files: [String: CompiledFile] = [:]
    /// Every compiled file, each after its imports.
    private(set) var ordered: [CompiledFile] = []
    private let read: SourceReader
    /// Explains where a missing file was looked for (appended to "not found" errors).
    var describeMissing: ((String) -> String)?
    private var stack: [(name: String, node: FileNode)] = []
    /// Imports are compiled depth first; a deeper chain is refused rather than risking the stack.
    static let maxImportDepth = 256

    init(read: @escaping SourceReader) {
        self.read = read
    }

    /// Compiles `name` and its imports (once each).
    @discardableResult
    func compile(_ name: String) throws -> CompiledFile {
        try compile(name, importedFrom: nil)
    }

    private func compile(_ name: String, importedFrom importer: (file: FileNode, statement: ImportNode)?) throws
        -> CompiledFile
    {
        if let done = files[name] { return done }
        if let index = stack.firstIndex(where: { $0.name == name }) {
            let node = stack[index].node
            let next = index + 1 < stack.count ? stack[index + 1].name : name
            let chain = stack[index...].map(\.name) + [name]
            throw Self.error(
                .importCycle, "File recursively imports itself: " + chain.joined(separator: " -> "), file: name,
                at: node.imports.first { $0.path == next }?.position ?? .unknown)
        }
        guard let source = try read(name) else {
            let hint = describeMissing.map { " (\($0(name)))" } ?? ""
            if let importer {
                throw Self.error(
                    .importNotFound, "Import \"\(name)\" was not found or had errors.\(hint)",
                    file: importer.file.name, at: importer.statement.position)
            }
            throw SchemaError(.importNotFound, "File not found.\(hint)", file: name)
        }
        let node = try Parser.parse(source, fileName: name)
        if stack.count >= Self.maxImportDepth, let importer {
            throw Self.error(
                .importCycle, "Import chain deeper than \(Self.maxImportDepth) files at \"\(name)\".",
                file: importer.file.name, at: importer.statement.position)
        }
        stack.append((name, node))
        defer { stack.removeLast() }
        var seen = Set<String>()
        var dependencies: [CompiledFile] = []
        var publicDependencies: [CompiledFile] = []
        for statement in node.imports {
            if !seen.insert(statement.path).inserted {
                throw Self.error(
                    .duplicate, "Import \"\(statement.path)\" was listed twice.", file: name, at: statement.position)
            }
            let dependency = try compile(statement.path, importedFrom: (node, statement))
            dependencies.append(dependency)
            if statement.kind == .public { publicDependencies.append(dependency) }
        }
        var linker = FileLinker(compilation: self, file: node, dependencies: dependencies)
        let proto = try linker.link()
        let compiled = CompiledFile(
            node: node, proto: proto, dependencies: dependencies, publicDependencies: publicDependencies)
        files[name] = compiled
        ordered.append(compiled)
        return compiled
    }

    /// The options message type (`google.protobuf.FieldOptions`...) from a loaded descriptor.proto,
    /// else from the bundled one, as protoc falls back to its compiled-in descriptors.
    func optionsMessage(_ fullName: String) -> MessageNode? {
        if case .message(let message)? = symbols[fullName]?.kind { return message }
        return BundledOptionTypes.shared.message(fullName)
    }

    static func error(_ code: SchemaError.Code, _ message: String, file: String, at position: SourcePosition)
        -> SchemaError
    {
        if position.line < 0 { return SchemaError(code, message, file: file) }
        return SchemaError(code, message, file: file, line: Int(position.line) + 1, column: Int(position.column) + 1)
    }
}

/// The bundled descriptor.proto, compiled once per process for files whose options need
/// `google.protobuf.*Options` without importing descriptor.proto.
///
/// Unchecked `Sendable`: the compilation is complete when `shared` is initialized (Swift
/// initializes statics once, thread-safely) and is only read afterwards.
final class BundledOptionTypes: @unchecked Sendable {
    static let shared = BundledOptionTypes()
    private let compilation = Compilation(read: { WellKnownProtos.source(for: $0) })

    private init() {
        _ = try? compilation.compile("google/protobuf/descriptor.proto")
    }

    func message(_ fullName: String) -> MessageNode? {
        if case .message(let message)? = compilation.symbols[fullName]?.kind { return message }
        return nil
    }
}
