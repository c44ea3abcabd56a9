import SwiftProtobuf

// The syntax tree of one `.proto` file. It keeps what protoc's parser writes into a
// FileDescriptorProto plus the source position of every part an error can point at. Nodes are
// classes because the linker annotates them in place (full names, resolved types, options).

/// A parsed `.proto` file.
final class FileNode {
    let name: String
    var syntax: SyntaxKind = .proto2
    var syntaxPosition = SourcePosition.unknown
    var package: String?
    var packagePosition = SourcePosition.unknown
    var imports: [ImportNode] = []
    var options: [OptionNode] = []
    var messages: [MessageNode] = []
    var enums: [EnumNode] = []
    /// Extensions declared in top-level `extend` blocks, in order.
    var extensions: [FieldNode] = []
    var services: [ServiceNode] = []
    /// The interpreted options message, serialized (nil when the file has no options).
    var optionBytes: [UInt8]?
    var features = ResolvedFeatures.defaults(for: .proto2)

    init(name: String) { self.name = name }

    enum SyntaxKind: Equatable {
        case proto2, proto3
        case editions(Google_Protobuf_Edition)
    }
}

/// An `import` statement.
struct ImportNode {
    enum Kind { case plain, `public`, weak }
    var path: String
    var kind: Kind
    var position: SourcePosition
}

/// A `message` (or the message a `group` or a `map` field declares).
final class MessageNode {
    var name: String
    var namePosition: SourcePosition
    var fields: [FieldNode] = []
    var nestedMessages: [MessageNode] = []
    var enums: [EnumNode] = []
    var extensions: [FieldNode] = []
    var extensionRanges: [ExtensionRangeNode] = []
    var reservedRanges: [RangeNode] = []
    var reservedNames: [(name: String, position: SourcePosition)] = []
    var oneofs: [OneofNode] = []
    var options: [OptionNode] = []
    /// Whether `{}` options exist even when empty; protoc writes an empty options message then.
    var hasOptions = false
    /// Set for the `XxxEntry` message protoc synthesizes for a map field.
    var isMapEntry = false

    // Filled in by the linker.
    var fullName = ""
    unowned var file: FileNode?
    var fieldsByNumber: [Int32: FieldNode] = [:]
    var fieldsByName: [String: FieldNode] = [:]
    var features = ResolvedFeatures.defaults(for: .proto2)
    var optionBytes: [UInt8]?
    var standardOptions = Google_Protobuf_MessageOptions()

    init(name: String, position: SourcePosition) {
        self.name = name
        self.namePosition = position
    }
}

/// A field or an extension.
final class FieldNode {
    enum Label { case optional, required, repeated }

    var name = ""
    var namePosition = SourcePosition.unknown
    var number: Int32 = 0
    var numberPosition = SourcePosition.unknown
    var label: Label?
    var labelPosition = SourcePosition.unknown
    /// A scalar type or `.group`; nil when `typeName` names a message or an enum.
    var type: Google_Protobuf_FieldDescriptorProto.TypeEnum?
    var typeName = ""
    var typePosition = SourcePosition.unknown
    var extendee: String?
    var extendeePosition = SourcePosition.unknown
    var oneofIndex: Int?
    var proto3Optional = false
    var defaultValue: DefaultValue?
    var defaultPosition = SourcePosition.unknown
    var jsonName: String?
    var jsonNamePosition = SourcePosition.unknown
    /// protoc's `ToJsonName(name)`, computed once the name is final.
    lazy var defaultJSONName = FieldNode.jsonName(name)
    var options: [OptionNode] = []
    var hasOptions = false
    /// The message a `group` field declares, or a map field's entry.
    var group: MessageNode?
    var isMap = false

    // Filled in by the linker.
    var fullName = ""
    var scope = ""
    var resolvedType: Google_Protobuf_FieldDescriptorProto.TypeEnum = .int32
    unowned var messageType: MessageNode?
    unowned var enumType: EnumNode?
    unowned var extendeeType: MessageNode?
    /// The message a field belongs to (nil for extensions).
    unowned var containingMessage: MessageNode?
    unowned var file: FileNode?
    /// Resolved edition features (explicit presence, packed encoding...).
    var features = ResolvedFeatures.defaults(for: .proto2)
    var optionBytes: [UInt8]?
    var standardOptions = Google_Protobuf_FieldOptions()
}

/// A `[default = ...]` as protoc's parser records it: text for numbers, bools and enum names
/// (integers already in decimal), raw bytes for strings and bytes.
enum DefaultValue {
    case text(String)
    case bytes([UInt8])
}

/// `extensions 100 to 199 [options];`: one node per range; ranges of one statement share options.
struct ExtensionRangeNode {
    var start: Int32
    /// Exclusive, as in the descriptor.
    var end: Int32
    var position: SourcePosition
    var options: [OptionNode]
    var hasOptions: Bool
    var optionBytes: [UInt8]? = nil
    /// Standard options before source-retention stripping (extension declarations live here).
    var standardOptions = Google_Protobuf_ExtensionRangeOptions()
}

/// A reserved or extension number range. `end` is exclusive for messages, inclusive for enums.
struct RangeNode {
    var start: Int32
    var end: Int32
    var position: SourcePosition
}

/// A `oneof`.
final class OneofNode {
    var name: String
    var position: SourcePosition
    var options: [OptionNode] = []
    var hasOptions = false
    var isSynthetic = false
    var optionBytes: [UInt8]?
    var features = ResolvedFeatures.defaults(for: .proto2)

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }
}

/// An `enum`.
final class EnumNode {
    var name: String
    var namePosition: SourcePosition
    var values: [EnumValueNode] = []
    var reservedRanges: [RangeNode] = []
    var reservedNames: [(name: String, position: SourcePosition)] = []
    var options: [OptionNode] = []
    var hasOptions = false

    // Filled in by the linker.
    var fullName = ""
    unowned var file: FileNode?
    var features = ResolvedFeatures.defaults(for: .proto2)
    var optionBytes: [UInt8]?
    var allowAlias = false

    init(name: String, position: SourcePosition) {
        self.name = name
        self.namePosition = position
    }
}

/// One value of an enum.
final class EnumValueNode {
    var name: String
    var namePosition: SourcePosition
    var number: Int32 = 0
    var numberPosition = SourcePosition.unknown
    var options: [OptionNode] = []
    var hasOptions = false
    var fullName = ""
    unowned var enumType: EnumNode?
    var optionBytes: [UInt8]?

    init(name: String, position: SourcePosition) {
        self.name = name
        self.namePosition = position
    }
}

/// A `service`.
final class ServiceNode {
    var name: String
    var namePosition: SourcePosition
    var methods: [MethodNode] = []
    var options: [OptionNode] = []
    var hasOptions = false
    var fullName = ""
    var optionBytes: [UInt8]?

    init(name: String, position: SourcePosition) {
        self.name = name
        self.namePosition = position
    }
}

/// An `rpc` method.
final class MethodNode {
    var name: String
    var namePosition: SourcePosition
    var inputType = ""
    var inputPosition = SourcePosition.unknown
    var outputType = ""
    var outputPosition = SourcePosition.unknown
    var clientStreaming = false
    var serverStreaming = false
    var options: [OptionNode] = []
    var hasOptions = false
    var fullName = ""
    var resolvedInput = ""
    var resolvedOutput = ""
    var optionBytes: [UInt8]?

    init(name: String, position: SourcePosition) {
        self.name = name
        self.namePosition = position
    }
}

/// An option statement or bracketed option, not yet interpreted (protoc's `UninterpretedOption`).
struct OptionNode {
    struct NamePart {
        var name: String
        var isExtension: Bool
        var position: SourcePosition
    }

    enum Value {
        case identifier(String)
        case positiveInteger(UInt64)
        case negativeInteger(Int64)
        case double(Double)
        case string([UInt8])
        /// `{ ... }`: the tokens between the braces, parsed as text format when interpreted.
        case aggregate(AggregateTokens)
    }

    var name: [NamePart]
    var value: Value
    var namePosition: SourcePosition
    var valuePosition: SourcePosition

    /// The option's name as protoc prints it: `(foo.bar).baz`.
    var displayName: String {
        name.map { $0.isExtension ? "(\($0.name))" : $0.name }.joined(separator: ".")
    }
}

/// The tokens of an aggregate option value, with the source they index into.
struct AggregateTokens {
    var tokens: [Token]
    var source: [UInt8]
}
