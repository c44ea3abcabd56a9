import SwiftProtobuf

extension Parser {
    mutating func parseMessage() throws -> MessageNode {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth {
            throw error("Reached maximum recursion limit for nested messages.")
        }
        try consume("message")
        let position = current.position
        let message = MessageNode(name: try consumeIdentifier("Expected message name."), position: position)
        try parseMessageBlock(message)
        if syntax == .proto3 { Self.generateSyntheticOneofs(message) }
        return message
    }

    mutating func parseMessageBlock(_ message: MessageNode) throws {
        try consume("{")
        try parseBlock(eofMessage: "Reached end of input in message definition (missing '}').") {
            try $0.parseMessageStatement(message)
        }
        Self.resolveMaxRanges(message)
    }

    private mutating func parseMessageStatement(_ message: MessageNode) throws {
        if try tryConsume(";") { return }
        if lookingAt("message") {
            message.nestedMessages.append(try parseMessage())
        } else if lookingAt("enum") {
            message.enums.append(try parseEnum())
        } else if lookingAt("extensions") {
            try parseExtensions(message)
        } else if lookingAt("reserved") {
            try parseReserved(message)
        } else if lookingAt("extend") {
            try parseExtend(into: &message.extensions, groups: &message.nestedMessages)
        } else if lookingAt("option") {
            message.options.append(try parseOption(statement: true))
            message.hasOptions = true
        } else if lookingAt("oneof") {
            try parseOneof(message)
        } else {
            let field = FieldNode()
            message.fields.append(field)
            try parseField(field, groups: &message.nestedMessages)
        }
    }

    // MARK: Fields

    /// A field with an optional label (`optional`, `required`, `repeated`).
    mutating func parseField(_ field: FieldNode, groups: inout [MessageNode]) throws {
        if lookingAt("optional") || lookingAt("repeated") || lookingAt("required") {
            field.labelPosition = current.position
            if try tryConsume("optional") {
                field.label = .optional
                if syntax == .proto3 { field.proto3Optional = true }
            } else if try tryConsume("repeated") {
                field.label = .repeated
            } else {
                try advance()
                field.label = .required
            }
            if case .editions = syntax, field.label != .repeated {
                throw error(
                    field.label == .optional
                        ? "Label \"optional\" is not supported in editions. By default, all singular fields have presence unless features.field_presence is set."
                        : "Label \"required\" is not supported in editions, use features.field_presence = LEGACY_REQUIRED.",
                    at: field.labelPosition)
            }
        }
        try parseFieldNoLabel(field, groups: &groups)
    }

    mutating func parseFieldNoLabel(_ field: FieldNode, groups: inout [MessageNode]) throws {
        field.typePosition = current.position
        var map: (key: ParsedType, value: ParsedType)?
        var typeParsed = false
        if try tryConsume("map") {
            if lookingAt("<") {
                if field.oneofIndex != nil { throw error("Map fields are not allowed in oneofs.") }
                if field.label != nil {
                    throw error("Field labels (required/optional/repeated) are not allowed on map fields.")
                }
                if field.extendee != nil { throw error("Map fields are not allowed to be extensions.") }
                field.label = .repeated
                try consume("<")
                let key = try parseType()
                try consume(",")
                let value = try parseType()
                try consume(">")
                map = (key, value)
            } else {
                typeParsed = true
                field.typeName = "map"
            }
        }
        if map == nil {
            if field.label == nil && syntax != .proto2 { field.label = .optional }
            if field.label == nil { throw error("Expected \"required\", \"optional\", or \"repeated\".") }
            if !typeParsed {
                let parsed = try parseType()
                field.type = parsed.type
                field.typeName = parsed.name
            }
        }

        let nameToken = current
        field.namePosition = current.position
        field.name = try consumeIdentifier("Expected field name.")
        try consume("=", "Missing field number.")
        field.numberPosition = current.position
        field.number = try consumeInteger("Expected field number.")
        try parseFieldOptions(field)

        if field.type == .group {
            let group = MessageNode(name: field.name, position: nameToken.position)
            if let first = field.name.utf8.first, first < UInt8(ascii: "A") || first > UInt8(ascii: "Z") {
                throw error("Group names must start with a capital letter.", at: nameToken.position)
            }
            field.name = Self.asciiLowercased(field.name)
            field.typeName = group.name
            field.group = group
            groups.append(group)
            guard lookingAt("{") else { throw error("Missing group body.") }
            depth += 1
            defer { depth -= 1 }
            if depth > Self.maxDepth { throw error("Reached maximum recursion limit for nested messages.") }
            try parseMessageBlock(group)
        } else {
            try consume(";")
        }
        if let map {
            groups.append(Self.mapEntry(for: field, key: map.key, value: map.value))
        }
    }

    struct ParsedType {
        var type: Google_Protobuf_FieldDescriptorProto.TypeEnum?
        var name: String
    }

    private static let scalarTypes: [(StaticString, Google_Protobuf_FieldDescriptorProto.TypeEnum)] = [
        ("int32", .int32), ("string", .string), ("int64", .int64), ("bool", .bool), ("bytes", .bytes),
        ("uint32", .uint32), ("uint64", .uint64), ("double", .double), ("float", .float), ("sint32", .sint32),
        ("sint64", .sint64), ("fixed32", .fixed32), ("fixed64", .fixed64), ("sfixed32", .sfixed32),
        ("sfixed64", .sfixed64), ("group", .group),
    ]

    private func scalarType() -> Google_Protobuf_FieldDescriptorProto.TypeEnum? {
        guard current.kind == .identifier else { return nil }
        for (name, type) in Self.scalarTypes where lookingAt(name) { return type }
        return nil
    }

    /// A scalar type keyword or a (possibly dotted) type name.
    mutating func parseType() throws -> ParsedType {
        if let scalar = scalarType() {
            if case .editions = syntax, scalar == .group {
                throw error(
                    "Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field."
                )
            }
            try advance()
            return ParsedType(type: scalar, name: "")
        }
        return ParsedType(type: nil, name: try parseUserDefinedType())
    }

    mutating func parseUserDefinedType() throws -> String {
        if scalarType() != nil { throw error("Expected message type.") }
        var name = ""
        if try tryConsume(".") { name = "." }
        name += try consumeIdentifier("Expected type name.")
        while try tryConsume(".") {
            name += "."
            name += try consumeIdentifier("Expected identifier.")
        }
        return name
    }

    // MARK: Field options

    private mutating func parseFieldOptions(_ field: FieldNode) throws {
        guard try tryConsume("[") else { return }
        repeat {
            if lookingAt("default") {
                try parseDefault(field)
            } else if lookingAt("json_name") {
                if field.jsonName != nil { throw error("Already set option \"json_name\".") }
                field.jsonNamePosition = current.position
                try consume("json_name")
                try consume("=")
                field.jsonName = String(decoding: try consumeString("Expected string for JSON name."), as: UTF8.self)
            } else {
                field.options.append(try parseOption(statement: false))
                field.hasOptions = true
            }
        } while try tryConsume(",")
        try consume("]")
    }

    /// protoc's `ParseDefaultAssignment`: checks the literal against the scalar type and records
    /// the text protoc's parser would write (integers in decimal, floats in shortest form).
    private mutating func parseDefault(_ field: FieldNode) throws {
        if field.defaultValue != nil { throw error("Already set option \"default\".") }
        try consume("default")
        try consume("=")
        field.defaultPosition = current.position
        guard let type = field.type else {
            // A message or enum type: take the token as is; the linker checks it.
            field.defaultValue = .text(currentText)
            if !atEnd { try advance() }
            return
        }
        switch type {
        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64:
            var max = UInt64(
                type == .int32 || type == .sint32 || type == .sfixed32 ? UInt64(Int32.max) : UInt64(Int64.max))
            var text = ""
            if try tryConsume("-") {
                text = "-"
                max += 1
            }
            text += String(try consumeInteger64(max: max, "Expected integer for field default value."))
            field.defaultValue = .text(text)
        case .uint32, .uint64, .fixed32, .fixed64:
            let max = type == .uint32 || type == .fixed32 ? UInt64(UInt32.max) : UInt64.max
            if lookingAt("-") { throw error("Unsigned field can't have negative default value.") }
            field.defaultValue = .text(
                String(try consumeInteger64(max: max, "Expected integer for field default value.")))
        case .float, .double:
            let sign = try tryConsume("-") ? "-" : ""
            let value = try consumeNumber("Expected number.")
            field.defaultValue = .text(sign + FloatFormatting.shortest(value))
        case .bool:
            if try tryConsume("true") {
                field.defaultValue = .text("true")
            } else if try tryConsume("false") {
                field.defaultValue = .text("false")
            } else {
                throw error("Expected \"true\" or \"false\".")
            }
        case .string:
            field.defaultValue = .bytes(try consumeString("Expected string for field default value."))
        case .bytes:
            field.defaultValue = .bytes(try consumeString("Expected string."))
        case .enum:
            field.defaultValue = .text(try consumeIdentifier("Expected enum identifier for field default value."))
        default:
            throw error("Messages can't have default values.")
        }
    }

    // MARK: Oneofs, ranges, reserved, extend

    private mutating func parseOneof(_ message: MessageNode) throws {
        let index = message.oneofs.count
        try consume("oneof")
        let position = current.position
        let oneof = OneofNode(name: try consumeIdentifier("Expected oneof name."), position: position)
        message.oneofs.append(oneof)
        try consume("{")
        repeat {
            if atEnd { throw error("Reached end of input in oneof definition (missing '}').") }
            if lookingAt("option") {
                oneof.options.append(try parseOption(statement: true))
                oneof.hasOptions = true
                continue
            }
            if lookingAt("required") || lookingAt("optional") || lookingAt("repeated") {
                throw error("Fields in oneofs must not have labels (required / optional / repeated).")
            }
            let field = FieldNode()
            field.label = .optional
            field.oneofIndex = index
            message.fields.append(field)
            try parseFieldNoLabel(field, groups: &message.nestedMessages)
        } while try !tryConsume("}")
    }

    private mutating func parseExtensions(_ message: MessageNode) throws {
        try consume("extensions")
        let first = message.extensionRanges.count
        repeat {
            let position = current.position
            let start = try consumeInteger("Expected field number range.")
            let end = try parseRangeEnd(start: start)
            message.extensionRanges.append(
                ExtensionRangeNode(start: start, end: end, position: position, options: [], hasOptions: false))
        } while try tryConsume(",")
        if try tryConsume("[") {
            var options: [OptionNode] = []
            repeat {
                options.append(try parseOption(statement: false))
            } while try tryConsume(",")
            try consume("]")
            for index in first..<message.extensionRanges.count {
                message.extensionRanges[index].options = options
                message.extensionRanges[index].hasOptions = true
            }
        }
        try consume(";")
    }

    /// The names of a `reserved` statement (string literals before editions, identifiers in editions),
    /// or nil when the statement reserves numbers instead. `what` names the entity in errors.
    mutating func parseReservedNames(of what: String) throws -> [(name: String, position: SourcePosition)]? {
        guard current.kind == .string || current.kind == .identifier else { return nil }
        let isEditions: Bool
        if case .editions = syntax { isEditions = true } else { isEditions = false }
        let quoted = current.kind == .string
        if quoted && isEditions {
            throw error("Reserved names must be identifiers in editions, not string literals.")
        }
        if !quoted && !isEditions {
            throw error("Reserved names must be string literals. (Only editions supports identifiers.)")
        }
        var names: [(name: String, position: SourcePosition)] = []
        repeat {
            let position = current.position
            if quoted {
                names.append(
                    (String(decoding: try consumeString("Expected \(what) string literal."), as: UTF8.self), position))
            } else {
                names.append((try consumeIdentifier("Expected \(what) identifier."), position))
            }
        } while try tryConsume(",")
        return names
    }

    /// `to N` or `to max` after a range start; returns the exclusive end (`maxSentinel` for `max`).
    private mutating func parseRangeEnd(start: Int32) throws -> Int32 {
        guard try tryConsume("to") else { return start &+ 1 }
        if try tryConsume("max") { return Self.maxSentinel }
        return try consumeInteger("Expected integer.") &+ 1
    }

    static let maxSentinel: Int32 = -1

    private mutating func parseReserved(_ message: MessageNode) throws {
        try consume("reserved")
        if let names = try parseReservedNames(of: "field name") {
            message.reservedNames += names
        } else {
            var first = true
            repeat {
                let position = current.position
                let start = try consumeInteger(
                    first ? "Expected field name or number range." : "Expected field number range.")
                let end = try parseRangeEnd(start: start)
                message.reservedRanges.append(RangeNode(start: start, end: end, position: position))
                first = false
            } while try tryConsume(",")
        }
        try consume(";")
    }

    /// An `extend Foo { ... }` block; group extensions add their message to `groups`.
    mutating func parseExtend(into extensions: inout [FieldNode], groups: inout [MessageNode]) throws {
        try consume("extend")
        let extendeePosition = current.position
        let extendee = try parseUserDefinedType()
        try consume("{")
        repeat {
            if atEnd { throw error("Reached end of input in extend definition (missing '}').") }
            let field = FieldNode()
            field.extendee = extendee
            field.extendeePosition = extendeePosition
            extensions.append(field)
            try parseField(field, groups: &groups)
        } while try !tryConsume("}")
    }

    // MARK: Synthesized parts

    /// protoc's `MapEntryName`: `foo_bar` becomes `FooBarEntry`.
    static func mapEntryName(_ fieldName: String) -> String {
        var result: [UInt8] = []
        var capitalizeNext = true
        for byte in fieldName.utf8 {
            if byte == UInt8(ascii: "_") {
                capitalizeNext = true
            } else if capitalizeNext {
                result.append(byte >= 0x61 && byte <= 0x7A ? byte - 32 : byte)
                capitalizeNext = false
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self) + "Entry"
    }

    private static func mapEntry(for field: FieldNode, key: ParsedType, value: ParsedType) -> MessageNode {
        let entry = MessageNode(name: mapEntryName(field.name), position: field.typePosition)
        entry.isMapEntry = true
        entry.hasOptions = true
        for (name, number, type) in [("key", Int32(1), key), ("value", Int32(2), value)] {
            let part = FieldNode()
            part.name = name
            part.number = number
            part.label = .optional
            part.type = type.type
            part.typeName = type.name
            part.namePosition = field.typePosition
            part.numberPosition = field.typePosition
            part.typePosition = field.typePosition
            entry.fields.append(part)
        }
        field.typeName = entry.name
        field.isMap = true
        field.group = entry
        return entry
    }

    /// protoc's `GenerateSyntheticOneofs`: a one-field oneof per proto3 `optional` field, named
    /// `_field` (prefixed with `X` until unique) and placed after the real oneofs.
    static func generateSyntheticOneofs(_ message: MessageNode) {
        guard message.fields.contains(where: \.proto3Optional) else { return }
        var names = Set(message.fields.map(\.name))
        names.formUnion(message.oneofs.map(\.name))
        for field in message.fields where field.proto3Optional {
            var name = field.name
            if !name.hasPrefix("_") { name = "_" + name }
            while names.contains(name) { name = "X" + name }
            names.insert(name)
            field.oneofIndex = message.oneofs.count
            let oneof = OneofNode(name: name, position: field.namePosition)
            oneof.isSynthetic = true
            message.oneofs.append(oneof)
        }
    }

    /// `max` in ranges means the largest field number, or `Int32.max` for message sets; the
    /// message's options may come after the range, so this runs after the block.
    private static func resolveMaxRanges(_ message: MessageNode) {
        let isMessageSet = message.options.contains {
            $0.name.count == 1 && $0.name[0].name == "message_set_wire_format"
                && { if case .identifier("true") = $0.value { true } else { false } }($0)
        }
        let max: Int32 = isMessageSet ? Int32.max : 536_870_912
        for index in message.extensionRanges.indices where message.extensionRanges[index].end == maxSentinel {
            message.extensionRanges[index].end = max
        }
        for index in message.reservedRanges.indices where message.reservedRanges[index].end == maxSentinel {
            message.reservedRanges[index].end = max
        }
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
