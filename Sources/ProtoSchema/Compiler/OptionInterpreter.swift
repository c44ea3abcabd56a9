import SwiftProtobuf

/// The options of one element (file, message, field...) as written, and where to resolve names.
struct OptionTarget {
    /// The element kinds of `FieldOptions.OptionTargetType`, used to check feature targets.
    enum Kind: String {
        case file, message, field, oneof
        case extensionRange = "extension range"
        case enumType = "enum"
        case enumValue = "enum entry"
        case service, method
    }

    var kind: Kind
    /// `google.protobuf.FileOptions` and so on.
    var optionsType: String
    /// The name protoc resolves option names relative to (the element's full name; for a file,
    /// `package.dummy`).
    var scope: String
    var options: [OptionNode]
    var hasOptions: Bool
    /// Wire records collected so far (protoc's unknown field set of the options message).
    var records: [WireRecord] = []
}

/// protoc's `OptionInterpreter`: resolves option names (standard fields, `(extensions)` with
/// scoping, `.sub.fields`), type-checks values, and encodes them as the options message's bytes.
struct OptionInterpreter {
    /// The longest option name (`(a).b.c...`) protoc can write out.
    static let maxNameParts = 101

    let lookup: SymbolLookup
    let compilation: Compilation
    let fileName: String

    func error(_ message: String, at position: SourcePosition) -> SchemaError {
        Compilation.error(.invalid, message, file: fileName, at: position)
    }

    /// Interprets the options of `target` whose first name part is (`custom`) or is not an extension.
    func interpret(_ target: inout OptionTarget, custom: Bool) throws {
        for option in target.options where option.name[0].isExtension == custom {
            try interpret(option, &target)
        }
    }

    private func interpret(_ option: OptionNode, _ target: inout OptionTarget) throws {
        if !option.name[0].isExtension && option.name[0].name == "uninterpreted_option" {
            throw error("Option must not use reserved name \"uninterpreted_option\".", at: option.namePosition)
        }
        if option.name.count > Self.maxNameParts {
            // protoc aborts on such options; a path this deep is never meant.
            throw error(
                "Option \"\(option.displayName.prefix(200))...\" nests more than \(Self.maxNameParts) fields deep.",
                at: option.namePosition)
        }
        guard var descriptor = compilation.optionsMessage(target.optionsType) else {
            throw error("Cannot interpret options: \(target.optionsType) is not defined.", at: option.namePosition)
        }
        var intermediate: [FieldNode] = []
        var debugName = ""
        var leaf: FieldNode?
        for (index, part) in option.name.enumerated() {
            if !debugName.isEmpty { debugName += "." }
            var field: FieldNode?
            if part.isExtension {
                debugName += "(\(part.name))"
                let result = lookup.lookup(part.name, relativeTo: target.scope)
                if case .field(let found)? = result.symbol?.kind { field = found }
                if field == nil, let unresolved = result.unresolvedName {
                    throw error(
                        "Option \"\(debugName)\" is resolved to \"(\(unresolved))\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \"(.\(debugName.dropFirst())\") to start from the outermost scope.",
                        at: option.namePosition)
                }
            } else {
                debugName += part.name
                field = descriptor.fieldsByName[part.name]
            }
            guard let field else {
                throw error(
                    "Option \"\(debugName)\" unknown. Ensure that your proto definition file imports the proto which defines the option (i.e. via import option after edition 2024).",
                    at: option.namePosition)
            }
            let owner = field.isExtension ? field.extendeeType : field.containingMessage
            guard owner?.fullName == descriptor.fullName else {
                throw error(
                    "Option field \"\(debugName)\" is not a field or extension of message \"\(descriptor.name)\".",
                    at: option.namePosition)
            }
            if index < option.name.count - 1 {
                guard field.isMessageLike, let sub = field.messageType else {
                    throw error("Option \"\(debugName)\" is an atomic type, not a message.", at: option.namePosition)
                }
                if field.isRepeated {
                    throw error(
                        "Option field \"\(debugName)\" is a repeated message. Repeated message options must be initialized using an aggregate value.",
                        at: option.namePosition)
                }
                intermediate.append(field)
                descriptor = sub
            } else {
                leaf = field
            }
        }
        guard let leaf else { return }
        if !leaf.isRepeated && Self.isSet(intermediate[...], leaf, in: target.records) {
            throw error("Option \"\(debugName)\" was already set.", at: option.namePosition)
        }
        var record = try value(of: option, for: leaf, scope: target.scope)
        for field in intermediate.reversed() {
            record =
                field.isDelimited
                ? WireRecord(number: field.number, value: .group([record]))
                : WireRecord(number: field.number, value: .bytes(WireCoding.encode([record])))
        }
        target.records.append(record)
    }

    /// protoc's `ExamineIfOptionIsSet`: whether an earlier option already set `leaf` through the
    /// same chain of sub-messages.
    private static func isSet(_ path: ArraySlice<FieldNode>, _ leaf: FieldNode, in records: [WireRecord]) -> Bool {
        guard let first = path.first else {
            return records.contains { $0.number == leaf.number }
        }
        for record in records where record.number == first.number {
            switch record.value {
            case .bytes(let bytes):
                if let inner = WireCoding.decode(bytes), isSet(path.dropFirst(), leaf, in: inner) { return true }
            case .group(let inner):
                if isSet(path.dropFirst(), leaf, in: inner) { return true }
            default:
                break
            }
        }
        return false
    }

    // MARK: Values

    private func value(of option: OptionNode, for field: FieldNode, scope: String) throws -> WireRecord {
        let number = field.number
        let name = field.fullName
        let at = option.valuePosition
        switch field.resolvedType {
        case .int32, .sint32, .sfixed32:
            let value = try integer(option, min: Int64(Int32.min), max: UInt64(Int32.max), type: "int32", name, at)
            return WireRecord(
                number: number, value: TextFormatParser.encode(int32: Int32(value), as: field.resolvedType))
        case .int64, .sint64, .sfixed64:
            let value = try integer(option, min: Int64.min, max: UInt64(Int64.max), type: "int64", name, at)
            return WireRecord(number: number, value: TextFormatParser.encode(int64: value, as: field.resolvedType))
        case .uint32, .fixed32:
            let value = try unsigned(option, max: UInt64(UInt32.max), type: "uint32", name, at)
            return WireRecord(
                number: number, value: field.resolvedType == .fixed32 ? .fixed32(UInt32(value)) : .varint(value))
        case .uint64, .fixed64:
            let value = try unsigned(option, max: .max, type: "uint64", name, at)
            return WireRecord(number: number, value: field.resolvedType == .fixed64 ? .fixed64(value) : .varint(value))
        case .float, .double:
            let isFloat = field.resolvedType == .float
            let value: Double
            switch option.value {
            case .double(let number): value = number
            case .positiveInteger(let number): value = Double(number)
            case .negativeInteger(let number): value = Double(number)
            case .identifier("inf"): value = .infinity
            case .identifier("nan"): value = .nan
            default:
                throw error("Value must be number for \(isFloat ? "float" : "double") option \"\(name)\".", at: at)
            }
            return WireRecord(
                number: number,
                value: isFloat ? .fixed32(FloatFormatting.float(value).bitPattern) : .fixed64(value.bitPattern))
        case .bool:
            guard case .identifier(let text) = option.value else {
                throw error("Value must be identifier for boolean option \"\(name)\".", at: at)
            }
            guard text == "true" || text == "false" else {
                throw error("Value must be \"true\" or \"false\" for boolean option \"\(name)\".", at: at)
            }
            return WireRecord(number: number, value: .varint(text == "true" ? 1 : 0))
        case .enum:
            guard case .identifier(let text) = option.value else {
                throw error("Value must be identifier for enum-valued option \"\(name)\".", at: at)
            }
            guard let enumType = field.enumType else { return WireRecord(number: number, value: .varint(0)) }
            if let value = enumType.values.first(where: { $0.name == text }) {
                return WireRecord(number: number, value: .varint(UInt64(bitPattern: Int64(value.number))))
            }
            let siblingName = String(enumType.fullName.dropLast(enumType.name.count)) + text
            if case .enumValue? = compilation.symbols[siblingName]?.kind {
                throw error(
                    "Enum type \"\(enumType.fullName)\" has no value named \"\(text)\" for option \"\(name)\". This appears to be a value from a sibling type.",
                    at: at)
            }
            throw error(
                "Enum type \"\(enumType.fullName)\" has no value named \"\(text)\" for option \"\(name)\".", at: at)
        case .string, .bytes:
            guard case .string(let bytes) = option.value else {
                throw error("Value must be quoted string for string option \"\(name)\".", at: at)
            }
            return WireRecord(number: number, value: .bytes(bytes))
        case .message, .group:
            guard case .aggregate(let tokens) = option.value, let type = field.messageType else {
                throw error(
                    "Option \"\(name)\" is a message. To set the entire message, use syntax like \"\(field.name) = { <proto text format> }\". To set fields within it, use syntax like \"\(field.name).foo = value\".",
                    at: at)
            }
            var parser = TextFormatParser(
                tokens, resolver: textFormatResolver(), extensions: compilation.extensionIndex)
            let message: OptionMessage
            do {
                message = try parser.parse(type)
            } catch let failure as TextFormatParser.Failure {
                throw error("Error while parsing option value for \"\(field.name)\": \(failure.message)", at: at)
            }
            if field.isDelimited {
                return WireRecord(number: number, value: .group(WireCoding.decode(message.serialized()) ?? []))
            }
            return WireRecord(number: number, value: .bytes(message.serialized()))
        }
    }

    private func integer(
        _ option: OptionNode, min: Int64, max: UInt64, type: String, _ name: String, _ at: SourcePosition
    ) throws -> Int64 {
        switch option.value {
        case .positiveInteger(let value) where value <= max:
            return Int64(value)
        case .negativeInteger(let value) where value >= min:
            return value
        case .positiveInteger, .negativeInteger:
            throw error("Value out of range, \(min) to \(max), for \(type) option \"\(name)\".", at: at)
        default:
            throw error("Value must be integer, from \(min) to \(max), for \(type) option \"\(name)\".", at: at)
        }
    }

    private func unsigned(
        _ option: OptionNode, max: UInt64, type: String, _ name: String, _ at: SourcePosition
    ) throws -> UInt64 {
        switch option.value {
        case .positiveInteger(let value) where value <= max:
            return value
        case .positiveInteger:
            throw error("Value out of range, 0 to \(max), for \(type) option \"\(name)\".", at: at)
        default:
            throw error("Value must be integer, from 0 to \(max), for \(type) option \"\(name)\".", at: at)
        }
    }

    /// Extension names inside aggregates resolve relative to the message being parsed; Any type
    /// names are fully qualified.
    private func textFormatResolver() -> TextFormatParser.Resolver {
        let lookup = self.lookup
        return TextFormatParser.Resolver(
            findExtension: { name, scope in
                if case .field(let field)? = lookup.lookup(name, relativeTo: scope.fullName).symbol?.kind,
                    field.isExtension
                {
                    return field
                }
                return nil
            },
            findMessage: { name in
                if case .message(let message)? = lookup.lookup("." + name, relativeTo: "").symbol?.kind {
                    return message
                }
                return nil
            })
    }
}
