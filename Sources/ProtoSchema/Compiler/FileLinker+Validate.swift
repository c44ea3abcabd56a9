import SwiftProtobuf

/// Phase 4, protoc's `ValidateOptions`: the rules that need interpreted options and resolved
/// features (proto3 restrictions, JSON name clashes, enum aliases, maps, editions features).
extension FileLinker {
    mutating func validate() throws {
        if isEditions && file.features.fieldPresence == .legacyRequired {
            throw error(.invalid, "Required presence can't be specified by default.", at: file.syntaxPosition)
        }
        if isEditions && fileOptions.javaStringCheckUtf8 {
            throw error(
                .invalid,
                "File option java_string_check_utf8 is not allowed under editions. Use the (pb.java).utf8_validation feature to control this behavior.",
                at: file.syntaxPosition)
        }
        if fileOptions.optimizeFor != .liteRuntime,
            let lite = dependencies.first(where: { $0.proto.options.optimizeFor == .liteRuntime })
        {
            throw error(
                .invalid,
                "Files that do not use optimize_for = LITE_RUNTIME cannot import files which do use this option.  This file is not lite, but it imports \"\(lite.node.name)\" which is.",
                at: file.imports.first { $0.path == lite.node.name }?.position ?? .unknown)
        }
        if isProto3 {
            for field in file.extensions { try validateProto3(field) }
            for message in file.messages { try validateProto3(message) }
        }
        for message in file.messages { try validate(message) }
        for node in file.enums { try validate(node) }
        for field in file.extensions { try validate(field) }
        for service in file.services where fileOptions.optimizeFor == .liteRuntime {
            if fileOptions.ccGenericServices || fileOptions.javaGenericServices {
                throw error(
                    .invalid,
                    "Files with optimize_for = LITE_RUNTIME cannot define services unless you set both options cc_generic_services and java_generic_services to false.",
                    at: service.namePosition)
            }
        }
        try validateOptionTargets()
    }

    // MARK: proto3

    private static let proto3Extendees: Set<String> = [
        "google.protobuf.FileOptions", "google.protobuf.MessageOptions", "google.protobuf.FieldOptions",
        "google.protobuf.EnumOptions", "google.protobuf.EnumValueOptions", "google.protobuf.ServiceOptions",
        "google.protobuf.MethodOptions", "google.protobuf.OneofOptions", "google.protobuf.ExtensionRangeOptions",
    ]

    private func validateProto3(_ message: MessageNode) throws {
        for nested in message.nestedMessages { try validateProto3(nested) }
        for field in message.fields { try validateProto3(field) }
        for field in message.extensions { try validateProto3(field) }
        if let range = message.extensionRanges.first {
            throw error(.invalid, "Extension ranges are not allowed in proto3.", at: range.position)
        }
        if message.standardOptions.messageSetWireFormat {
            throw error(.invalid, "MessageSet is not supported in proto3.", at: message.namePosition)
        }
    }

    private func validateProto3(_ field: FieldNode) throws {
        if let extendee = field.extendeeType, !Self.proto3Extendees.contains(extendee.fullName) {
            throw error(
                .invalid, "Extensions in proto3 are only allowed for defining options.", at: field.extendeePosition)
        }
        if field.label == .required {
            throw error(.invalid, "Required fields are not allowed in proto3.", at: field.typePosition)
        }
        if field.defaultValue != nil {
            throw error(.invalid, "Explicit default values are not allowed in proto3.", at: field.defaultPosition)
        }
        if let enumType = field.enumType, enumType.features.enumType == .closed,
            field.containingMessage?.isMapEntry != true, let owner = field.containingMessage ?? field.extendeeType
        {
            throw error(
                .invalid,
                "Enum type \"\(enumType.fullName)\" is not an open enum, but is used in \"\(owner.fullName)\" which is a proto3 message type.",
                at: field.typePosition)
        }
        if field.type == .group {
            throw error(.invalid, "Groups are not supported in proto3 syntax.", at: field.typePosition)
        }
    }

    // MARK: Messages and fields

    private func validate(_ message: MessageNode) throws {
        try validateDeclarations(of: message)
        if !message.standardOptions.deprecatedLegacyJsonFieldConflicts {
            try checkJSONNames(message, custom: false)
            try checkJSONNames(message, custom: true)
        }
        let max: Int64 = message.standardOptions.messageSetWireFormat ? Int64(Int32.max) : Int64(Self.maxFieldNumber)
        for range in message.extensionRanges where Int64(range.end) > max + 1 || range.end < range.start {
            throw error(.invalidNumber, "Extension numbers cannot be greater than \(max).", at: range.position)
        }
        for field in message.fields { try validate(field) }
        for nested in message.nestedMessages { try validate(nested) }
        for node in message.enums { try validate(node) }
        for field in message.extensions { try validate(field) }
    }

    /// protoc's `CheckFieldJsonNameUniqueness`, once with default names and once with custom ones.
    private func checkJSONNames(_ message: MessageNode, custom: Bool) throws {
        var seen: [String: (field: FieldNode, isCustom: Bool)] = [:]
        for field in message.fields {
            let defaultName = field.defaultJSONName
            var name = defaultName
            var isCustom = false
            if custom, let explicit = field.jsonName, explicit != defaultName {
                name = explicit
                isCustom = true
            }
            if isCustom && name.hasPrefix("[") && name.hasSuffix("]") {
                throw error(
                    .invalid,
                    "The custom JSON name of field \"\(field.name)\" (\"\(name)\") is invalid: JSON names may not start with '[' and end with ']'.",
                    at: field.namePosition)
            }
            guard let match = seen[name] else {
                seen[name] = (field, isCustom)
                continue
            }
            if custom && !isCustom && !match.isCustom { continue }
            let involvesDefault = !isCustom || !match.isCustom
            if message.features.jsonFormat == .legacyBestEffort && involvesDefault { continue }
            throw error(
                .invalid,
                "The \(isCustom ? "custom" : "default") JSON name of field \"\(field.name)\" (\"\(name)\") conflicts with the \(match.isCustom ? "custom" : "default") JSON name of field \"\(match.field.name)\".",
                at: field.namePosition)
        }
    }

    private func validate(_ field: FieldNode) throws {
        try validateFeatures(field)
        try validateAgainstDeclarations(field)
        let options = field.standardOptions
        if field.isExtension && field.isRequired && !isEditions {
            throw error(.invalid, "The extension \(field.fullName) cannot be required.", at: field.typePosition)
        }
        if (options.lazy || options.unverifiedLazy) && field.resolvedType != .message {
            throw error(.invalid, "[lazy = true] can only be specified for submessage fields.", at: field.typePosition)
        }
        if options.packed && !field.isPackable {
            throw error(
                .invalid, "[packed = true] can only be specified for repeated primitive fields.", at: field.typePosition
            )
        }
        if let owner = field.isExtension ? field.extendeeType : field.containingMessage,
            owner.standardOptions.messageSetWireFormat
        {
            if field.isExtension {
                if field.label != .optional || field.resolvedType != .message {
                    throw error(
                        .invalid, "Extensions of MessageSets must be optional messages.", at: field.typePosition)
                }
            } else {
                throw error(.invalid, "MessageSets cannot have fields, only extensions.", at: field.namePosition)
            }
        }
        if field.isMap, let entry = field.messageType {
            try validateMapEntry(field, entry)
        }
        if options.hasJstype && options.jstype != .jsNormal {
            switch field.resolvedType {
            case .int64, .uint64, .sint64, .fixed64, .sfixed64: break
            default:
                throw error(
                    .invalid, "jstype is only allowed on int64, uint64, sint64, fixed64 or sfixed64 fields.",
                    at: field.typePosition)
            }
        }
        if field.isExtension, let json = field.jsonName, json != field.defaultJSONName {
            throw error(.invalid, "option json_name is not allowed on extension fields.", at: field.jsonNamePosition)
        }
        if let json = field.jsonName, json.utf8.contains(0) {
            throw error(.invalid, "json_name cannot have embedded null characters.", at: field.jsonNamePosition)
        }
    }

    private func validateMapEntry(_ field: FieldNode, _ entry: MessageNode) throws {
        guard entry.fields.count == 2 else { return }
        let key = entry.fields[0]
        let value = entry.fields[1]
        switch key.resolvedType {
        case .enum:
            throw error(.invalid, "Key in map fields cannot be enum types.", at: field.typePosition)
        case .float, .double, .message, .group, .bytes:
            throw error(
                .invalid, "Key in map fields cannot be float/double, bytes or message types.", at: field.typePosition)
        default:
            break
        }
        if let enumType = value.enumType, enumType.values.first?.number != 0 {
            throw error(.invalid, "Enum value in map must define 0 as the first value.", at: field.typePosition)
        }
    }

    /// protoc's `ValidateFieldFeatures` for editions files.
    private func validateFeatures(_ field: FieldNode) throws {
        guard isEditions else { return }
        let options = field.standardOptions
        let at = field.namePosition
        if options.hasPacked {
            throw error(
                .invalid,
                "Field option packed is not allowed under editions.  Use the repeated_field_encoding feature to control this behavior.",
                at: at)
        }
        if !field.isRepeated && !field.hasPresence {
            if field.defaultValue != nil {
                throw error(.invalid, "Implicit presence fields can't specify defaults.", at: at)
            }
            if let enumType = field.enumType, enumType.features.enumType == .closed {
                throw error(.invalid, "Implicit presence enum fields must always be open.", at: at)
            }
        }
        if field.isExtension && field.features.fieldPresence == .legacyRequired {
            throw error(.invalid, "Extensions can't be required.", at: at)
        }
        if field.containingMessage?.isMapEntry == true { return }
        let explicit = options.features
        if explicit.hasFieldPresence {
            if field.oneofIndex != nil {
                throw error(.invalid, "Oneof fields can't specify field presence.", at: at)
            } else if field.isRepeated {
                throw error(.invalid, "Repeated fields can't specify field presence.", at: at)
            } else if field.isExtension && explicit.fieldPresence != .legacyRequired {
                throw error(.invalid, "Extensions can't specify field presence.", at: at)
            } else if field.messageType != nil && explicit.fieldPresence == .implicit {
                throw error(.invalid, "Message fields can't specify implicit presence.", at: at)
            }
        }
        if !field.isRepeated && explicit.hasRepeatedFieldEncoding {
            throw error(.invalid, "Only repeated fields can specify repeated field encoding.", at: at)
        }
        if field.resolvedType != .string && !field.isMap && explicit.hasUtf8Validation {
            throw error(.invalid, "Only string fields can specify utf8 validation.", at: at)
        }
        if !field.isPackable && explicit.hasRepeatedFieldEncoding && explicit.repeatedFieldEncoding == .packed {
            throw error(.invalid, "Only repeated primitive fields can specify PACKED repeated field encoding.", at: at)
        }
        if (!field.isMessageLike || field.isMap) && explicit.hasMessageEncoding {
            throw error(.invalid, "Only message fields can specify message encoding.", at: at)
        }
    }

    // MARK: Enums

    private func validate(_ node: EnumNode) throws {
        try checkEnumValueNames(node)
        if node.features.enumType == .open, let first = node.values.first, first.number != 0 {
            throw error(.invalid, "The first enum value must be zero for open enums.", at: first.numberPosition)
        }
        if !node.allowAlias {
            var used: [Int32: EnumValueNode] = [:]
            for value in node.values {
                guard let existing = used[value.number] else {
                    used[value.number] = value
                    continue
                }
                let numbers = Set(node.values.map { Int64($0.number) })
                var next = Int64(value.number) + 1
                while numbers.contains(next) { next += 1 }
                var message =
                    "\"\(value.fullName)\" uses the same enum value as \"\(existing.fullName)\". If this is intended, set 'option allow_alias = true;' to the enum definition."
                if next < Int64(Int32.max) { message += " The next available enum value is \(next)." }
                throw error(.duplicate, message, at: value.numberPosition)
            }
        }
    }

    /// protoc's `CheckEnumValueUniqueness`: names must stay distinct once the enum's name prefix is
    /// stripped and they are PascalCased, unless they alias the same number.
    private func checkEnumValueNames(_ node: EnumNode) throws {
        let prefix = Array(node.name.utf8.filter { $0 != UInt8(ascii: "_") }.map(Self.asciiLower))
        var seen: [String: EnumValueNode] = [:]
        for value in node.values {
            let stripped = Self.pascalCase(Self.removePrefix(prefix, from: Array(value.name.utf8)))
            if let existing = seen[stripped] {
                if existing.name != value.name && existing.number != value.number {
                    throw error(
                        .duplicate,
                        "Enum name \(value.name) has the same name as \(existing.name) if you ignore case and strip out the enum name prefix (if any). (If you are using allow_alias, please assign the same number to each enum value name.)",
                        at: value.namePosition)
                }
            } else {
                seen[stripped] = value
            }
        }
    }

    private static func asciiLower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte }

    private static func removePrefix(_ prefix: [UInt8], from name: [UInt8]) -> [UInt8] {
        var i = 0
        var j = 0
        while i < name.count && j < prefix.count {
            if name[i] == UInt8(ascii: "_") {
                i += 1
                continue
            }
            if asciiLower(name[i]) != prefix[j] { return name }
            i += 1
            j += 1
        }
        if j < prefix.count { return name }
        while i < name.count && name[i] == UInt8(ascii: "_") { i += 1 }
        if i == name.count { return name }
        return Array(name[i...])
    }

    private static func pascalCase(_ name: [UInt8]) -> String {
        var result: [UInt8] = []
        var upperNext = true
        for byte in name {
            if byte == UInt8(ascii: "_") {
                upperNext = true
            } else {
                result.append(upperNext ? (byte >= 0x61 && byte <= 0x7A ? byte - 32 : byte) : asciiLower(byte))
                upperNext = false
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
