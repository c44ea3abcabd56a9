import SwiftProtobuf

/// protoc's `DescriptorBuilder` for one parsed file: defines its symbols, resolves type names,
/// interprets options, validates the language rules and writes the FileDescriptorProto. The
/// phases run in protoc's order so the first error reported is the one protoc reports first.
struct FileLinker {
    let compilation: Compilation
    let file: FileNode
    let dependencies: [CompiledFile]
    let lookup: SymbolLookup
    var symbols: SymbolTable { compilation.symbols }
    /// Extensions of this file by extendee and number, for duplicate checks.
    var extensionNumbers: [String: [Int32: FieldNode]] = [:]
    /// Every element with options, in protoc's interpretation order.
    var targets: [(owner: OptionOwner, target: OptionTarget)] = []
    /// Each target's options merged into one message (after the last pass that added any).
    var mergedOptions: [OptionMessage?] = []
    var fileOptions = Google_Protobuf_FileOptions()
    var oneofFeatures: [ObjectIdentifier: Google_Protobuf_FeatureSet] = [:]
    var enumFeatures: [ObjectIdentifier: Google_Protobuf_FeatureSet] = [:]

    init(compilation: Compilation, file: FileNode, dependencies: [CompiledFile]) {
        self.compilation = compilation
        self.file = file
        self.dependencies = dependencies
        var visibleFiles = [file]
        func addPublic(_ dependency: CompiledFile) {
            visibleFiles.append(dependency.node)
            for next in dependency.publicDependencies { addPublic(next) }
        }
        for dependency in dependencies { addPublic(dependency) }
        lookup = SymbolLookup(
            table: compilation.symbols, file: file, visible: Set(visibleFiles.map(ObjectIdentifier.init)),
            visibleFiles: visibleFiles)
    }

    var isProto3: Bool { file.syntax == .proto3 }

    var isEditions: Bool {
        if case .editions = file.syntax { return true }
        return false
    }

    var edition: Google_Protobuf_Edition {
        switch file.syntax {
        case .proto2: .proto2
        case .proto3: .proto3
        case .editions(let edition): edition
        }
    }

    func error(_ code: SchemaError.Code, _ message: String, at position: SourcePosition) -> SchemaError {
        Compilation.error(code, message, file: file.name, at: position)
    }

    static func qualify(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : "\(scope).\(name)"
    }

    /// Runs every phase and returns the descriptor.
    mutating func link() throws -> Google_Protobuf_FileDescriptorProto {
        try build()
        try crossLink()
        try interpretOptions()
        try validate()
        return emit()
    }
}

/// An element whose options are interpreted.
enum OptionOwner {
    case file
    case message(MessageNode)
    case field(FieldNode)
    case oneof(OneofNode, MessageNode)
    case enumType(EnumNode)
    case enumValue(EnumValueNode)
    case service(ServiceNode)
    case method(MethodNode)
    case extensionRange(MessageNode, Int)
}
