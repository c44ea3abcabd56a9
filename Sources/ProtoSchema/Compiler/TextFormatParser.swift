import SwiftProtobuf

/// Parses an aggregate option value (`{ a: 1 b { c: "x" } }`) as protobuf text format into an
/// `OptionMessage`, following `TextFormat::Parser` (singular fields may not repeat, `:` is
/// optional before messages, `[ext.name]` extensions and `[type.googleapis.com/T]` Any values).
struct TextFormatParser {
    /// The problem, worded like protoc's text-format parser.
    struct Failure: Error {
        var message: String
    }

    /// Resolves extension and Any type names from inside the value.
    struct Resolver {
        /// `[name]` inside a message of type `scope`: the extension, or nil.
        var findExtension: (_ name: String, _ scope: MessageNode) -> FieldNode?
        /// `[prefix/name]` inside an Any: the message type, or nil.
        var findMessage: (_ name: String) -> MessageNode?
    }

    private let tokens: [Token]
    private let source: [UInt8]
    private var index = 0
    private let resolver: Resolver
    private var recursionBudget = 100
    private let extensions: ExtensionIndex

    init(_ aggregate: AggregateTokens, resolver: Resolver, extensions: ExtensionIndex) {
        tokens = aggregate.tokens
        source = aggregate.source
        self.resolver = resolver
        self.extensions = extensions
    }

    /// Parses the whole value into a new message of `type`.
    mutating func parse(_ type: MessageNode) throws -> OptionMessage {
        let message = OptionMessage(type: type, extensions: extensions)
        while index < tokens.count {
            try parseField(into: message)
        }
        let missing = message.missingRequiredFields()
        if !missing.isEmpty {
            throw Failure(message: "Message missing required fields: " + missing.joined(separator: ", "))
        }
        return message
    }

    // MARK: Tokens

    private var current: Token? { index < tokens.count ? tokens[index] : nil }

    private var currentText: String {
        guard let current else { return "" }
        return String(decoding: source[current.start..<current.end], as: UTF8.self)
    }

    private func lookingAt(_ text: String) -> Bool {
        guard let current else { return false }
        return source[current.start..<current.end].elementsEqual(text.utf8)
    }

    private mutating func tryConsume(_ text: String) -> Bool {
        if lookingAt(text) {
            index += 1
            return true
        }
        return false
    }

    private mutating func consume(_ text: String) throws {
        if !tryConsume(text) {
            throw Failure(message: "Expected \"\(text)\", found \"\(currentText)\".")
        }
    }

    private mutating func consumeIdentifier() throws -> String {
        guard let current, current.kind == .identifier else {
            throw Failure(message: "Expected identifier, got: \(currentText)")
        }
        index += 1
        return String(decoding: source[current.start..<current.end], as: UTF8.self)
    }

    // MARK: Fields

    private mutating func parseField(into message: OptionMessage) throws {
        let type = message.type
        if type.fullName == "google.protobuf.Any", tryConsume("[") {
            try parseAnyField(into: message)
            return
        }
        let field: FieldNode
        let fieldName: String
        if tryConsume("[") {
            fieldName = try consumeFullTypeName()
            try consume("]")
            guard let found = resolver.findExtension(fieldName, type), found.extendeeType === type else {
                throw Failure(
                    message:
                        "Extension \"\(fieldName)\" is not defined or is not an extension of \"\(type.fullName)\".")
            }
            field = found
        } else {
            fieldName = try consumeIdentifier()
            var found = type.fieldsByName[fieldName]
            if found == nil, let lower = type.fieldsByName[Parser.asciiLowercased(fieldName)], lower.group != nil,
                !lower.isMap
            {
                found = lower
            }
            guard let found else {
                if type.reservedNames.contains(where: { $0.name == fieldName }) {
                    try skipFieldValue()
                    return
                }
                throw Failure(message: "Message type \"\(type.fullName)\" has no field named \"\(fieldName)\".")
            }
            field = found
        }

        if !field.isRepeated && message.has(field) {
            throw Failure(message: "Non-repeated field \"\(fieldName)\" is specified multiple times.")
        }
        if let oneofIndex = field.oneofIndex, !field.isExtension,
            let other = type.fields.first(where: { $0 !== field && $0.oneofIndex == oneofIndex && message.has($0) })
        {
            let oneofName = type.oneofs[oneofIndex].name
            throw Failure(
                message:
                    "Field \"\(fieldName)\" is specified along with field \"\(other.name)\", another member of oneof \"\(oneofName)\"."
            )
        }

        if field.isMessageLike {
            _ = tryConsume(":")
        } else {
            try consume(":")
        }
        if field.isRepeated && tryConsume("[") {
            if !tryConsume("]") {
                while true {
                    if field.isMessageLike {
                        try parseMessageValue(field, into: message)
                    } else {
                        try parseScalarValue(field, into: message)
                    }
                    if tryConsume("]") { break }
                    try consume(",")
                }
            }
        } else if field.isMessageLike {
            try parseMessageValue(field, into: message)
        } else {
            try parseScalarValue(field, into: message)
        }
        if !tryConsume(";") { _ = tryConsume(",") }
    }

    private mutating func consumeFullTypeName() throws -> String {
        var name = try consumeIdentifier()
        while tryConsume(".") { name += "." + (try consumeIdentifier()) }
        return name
    }

    private mutating func parseAnyField(into message: OptionMessage) throws {
        var prefix = try consumeIdentifier()
        while tryConsume(".") { prefix += "." + (try consumeIdentifier()) }
        try consume("/")
        let typeName = try consumeFullTypeName()
        try consume("]")
        _ = tryConsume(":")
        let url = prefix + "/" + typeName
        guard prefix == "type.googleapis.com" || prefix == "type.googleprod.com",
            let valueType = resolver.findMessage(typeName)
        else {
            throw Failure(message: "Could not find type \"\(url)\" stored in google.protobuf.Any.")
        }
        let delimiter = try consumeMessageStart()
        let value = OptionMessage(type: valueType, extensions: extensions)
        try parseMessageBody(value, until: delimiter)
        guard let typeURLField = message.type.fieldsByNumber[1], let valueField = message.type.fieldsByNumber[2] else {
            return
        }
        if message.has(typeURLField) || message.has(valueField) {
            throw Failure(message: "Non-repeated Any specified multiple times.")
        }
        message.append(.scalar(.bytes(Array(url.utf8))), for: typeURLField)
        message.append(.scalar(.bytes(value.serialized())), for: valueField)
        if !tryConsume(";") { _ = tryConsume(",") }
    }

    private mutating func consumeMessageStart() throws -> String {
        if tryConsume("<") { return ">" }
        try consume("{")
        return "}"
    }

    private mutating func parseMessageBody(_ message: OptionMessage, until delimiter: String) throws {
        while !lookingAt(">") && !lookingAt("}") {
            guard current != nil else { throw Failure(message: "Expected \"\(delimiter)\", found \"\".") }
            try parseField(into: message)
        }
        try consume(delimiter)
    }

    private mutating func parseMessageValue(_ field: FieldNode, into message: OptionMessage) throws {
        recursionBudget -= 1
        defer { recursionBudget += 1 }
        if recursionBudget < 0 {
            throw Failure(message: "Message is too deep, the parser exceeded the configured recursion limit of 100.")
        }
        let delimiter = try consumeMessageStart()
        guard let type = field.messageType else { return }
        let value: OptionMessage
        if field.isRepeated {
            value = OptionMessage(type: type, extensions: extensions)
            message.append(.message(value), for: field)
        } else {
            guard let existing = message.subMessage(for: field) else { return }
            value = existing
        }
        try parseMessageBody(value, until: delimiter)
    }

    // MARK: Scalars

    private mutating func parseScalarValue(_ field: FieldNode, into message: OptionMessage) throws {
        let value: WireRecord.Value
        switch field.resolvedType {
        case .int32, .sint32, .sfixed32:
            let number = Int32(try consumeSigned(max: UInt64(Int32.max)))
            value = Self.encode(int32: number, as: field.resolvedType)
        case .int64, .sint64, .sfixed64:
            let number = try consumeSigned(max: UInt64(Int64.max))
            value = Self.encode(int64: number, as: field.resolvedType)
        case .uint32, .fixed32:
            let number = try consumeUnsigned(max: UInt64(UInt32.max))
            value = field.resolvedType == .fixed32 ? .fixed32(UInt32(number)) : .varint(number)
        case .uint64, .fixed64:
            let number = try consumeUnsigned(max: .max)
            value = field.resolvedType == .fixed64 ? .fixed64(number) : .varint(number)
        case .float:
            value = .fixed32(FloatFormatting.float(try consumeDouble()).bitPattern)
        case .double:
            value = .fixed64(try consumeDouble().bitPattern)
        case .string, .bytes:
            guard current?.kind == .string else { throw Failure(message: "Expected string, got: \(currentText)") }
            var bytes: [UInt8] = []
            while let token = current, token.kind == .string {
                Literals.appendString(source[token.start..<token.end], to: &bytes)
                index += 1
            }
            value = .bytes(bytes)
        case .bool:
            if current?.kind == .integer {
                value = .varint(try consumeUnsigned(max: 1))
            } else {
                let text = try consumeIdentifier()
                switch text {
                case "true", "True", "t": value = .varint(1)
                case "false", "False", "f": value = .varint(0)
                default:
                    throw Failure(message: "Invalid value for boolean field \"\(field.name)\". Value: \"\(text)\".")
                }
            }
        case .enum:
            value = .varint(UInt64(bitPattern: Int64(try parseEnumValue(field))))
        default:
            return
        }
        message.append(.scalar(value), for: field)
    }

    private mutating func parseEnumValue(_ field: FieldNode) throws -> Int32 {
        guard let enumType = field.enumType else { return 0 }
        if current?.kind == .identifier {
            let name = try consumeIdentifier()
            guard let value = enumType.values.first(where: { $0.name == name }) else {
                throw Failure(message: "Unknown enumeration value of \"\(name)\" for field \"\(field.name)\".")
            }
            return value.number
        }
        if lookingAt("-") || current?.kind == .integer {
            let number = Int32(try consumeSigned(max: UInt64(Int32.max)))
            if enumType.values.contains(where: { $0.number == number }) || enumType.features.enumType == .open {
                return number
            }
            throw Failure(message: "Unknown enumeration value of \"\(number)\" for field \"\(field.name)\".")
        }
        throw Failure(message: "Expected integer or identifier, got: \(currentText)")
    }

    private mutating func consumeUnsigned(max: UInt64) throws -> UInt64 {
        guard let token = current, token.kind == .integer else {
            throw Failure(message: "Expected integer, got: \(currentText)")
        }
        guard let value = Literals.integer(source[token.start..<token.end], max: max) else {
            throw Failure(message: "Integer out of range (\(currentText))")
        }
        index += 1
        return value
    }

    private mutating func consumeSigned(max: UInt64) throws -> Int64 {
        if tryConsume("-") {
            let magnitude = try consumeUnsigned(max: max + 1)
            return Int64(bitPattern: 0 &- magnitude)
        }
        return Int64(try consumeUnsigned(max: max))
    }

    private mutating func consumeDouble() throws -> Double {
        let negative = tryConsume("-")
        var value: Double
        guard let token = current else { throw Failure(message: "Expected double, got: ") }
        switch token.kind {
        case .integer:
            let text = source[token.start..<token.end]
            if text.count > 1 && text.first == UInt8(ascii: "0") {
                throw Failure(message: "Expect a decimal number, got: \(currentText)")
            }
            value = Literals.float(text)
            index += 1
        case .float:
            value = Literals.float(source[token.start..<token.end])
            index += 1
        case .identifier:
            switch currentText.lowercased() {
            case "inf", "infinity": value = .infinity
            case "nan": value = .nan
            default: throw Failure(message: "Expected double, got: \(currentText.lowercased())")
            }
            index += 1
        default:
            throw Failure(message: "Expected double, got: \(currentText)")
        }
        if negative { value = -value }
        return value
    }

    /// Skips the value of a reserved field name.
    private mutating func skipFieldValue() throws {
        if tryConsume(":") && !lookingAt("{") && !lookingAt("<") {
            if tryConsume("-") {}
            index += 1
            while current?.kind == .string { index += 1 }
        } else {
            let delimiter = try consumeMessageStart()
            var depth = 1
            while let token = current {
                _ = token
                if lookingAt("{") || lookingAt("<") { depth += 1 }
                if lookingAt("}") || lookingAt(">") {
                    depth -= 1
                    if depth == 0 { break }
                }
                index += 1
            }
            try consume(delimiter)
        }
        if !tryConsume(";") { _ = tryConsume(",") }
    }

    static func encode(int32 value: Int32, as type: Google_Protobuf_FieldDescriptorProto.TypeEnum) -> WireRecord.Value {
        switch type {
        case .sint32: .varint(WireCoding.zigZag32(value))
        case .sfixed32: .fixed32(UInt32(bitPattern: value))
        default: .varint(UInt64(bitPattern: Int64(value)))
        }
    }

    static func encode(int64 value: Int64, as type: Google_Protobuf_FieldDescriptorProto.TypeEnum) -> WireRecord.Value {
        switch type {
        case .sint64: .varint(WireCoding.zigZag64(value))
        case .sfixed64: .fixed64(UInt64(bitPattern: value))
        default: .varint(UInt64(bitPattern: value))
        }
    }
}
