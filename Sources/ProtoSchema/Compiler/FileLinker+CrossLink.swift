import SwiftProtobuf

/// Phase 2, protoc's `CrossLinkFile`: type names, extendees and method types resolved with
/// protoc's scoping rules; duplicate field and extension numbers.
extension FileLinker {
    mutating func crossLink() throws {
        for message in file.messages { try crossLinkMessage(message) }
        for field in file.extensions { try crossLinkField(field) }
        for service in file.services {
            for method in service.methods {
                method.resolvedInput = try resolveMethodType(method.inputType, method, at: method.inputPosition)
                method.resolvedOutput = try resolveMethodType(method.outputType, method, at: method.outputPosition)
            }
        }
    }

    private mutating func crossLinkMessage(_ message: MessageNode) throws {
        for nested in message.nestedMessages { try crossLinkMessage(nested) }
        for field in message.fields { try crossLinkField(field) }
        for field in message.extensions { try crossLinkField(field) }
        for (index, oneof) in message.oneofs.enumerated()
        where !message.fields.contains(where: { $0.oneofIndex == index }) {
            throw error(.invalid, "Oneof must have at least one field.", at: oneof.position)
        }
    }

    /// protoc's `AddNotDefinedError`.
    private func notDefined(_ name: String, _ result: SymbolLookup.Result, at position: SourcePosition) -> SchemaError {
        if let (symbol, other) = result.undeclaredDependency {
            return error(
                .undefined,
                "\"\(symbol)\" seems to be defined in \"\(other.name)\", which is not imported by \"\(file.name)\".  To use it here, please add the necessary import.",
                at: position)
        }
        if let unresolved = result.unresolvedName {
            return error(
                .undefined,
                "\"\(name)\" is resolved to \"\(unresolved)\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \".\(name)\") to start from the outermost scope.",
                at: position)
        }
        return error(.undefined, "\"\(name)\" is not defined.", at: position)
    }

    private mutating func crossLinkField(_ field: FieldNode) throws {
        if let extendee = field.extendee {
            let result = lookup.lookup(extendee, relativeTo: field.fullName)
            guard let symbol = result.symbol else { throw notDefined(extendee, result, at: field.extendeePosition) }
            guard case .message(let target) = symbol.kind else {
                throw error(.invalid, "\"\(extendee)\" is not a message type.", at: field.extendeePosition)
            }
            field.extendeeType = target
            if !target.extensionRanges.contains(where: { $0.start <= field.number && field.number < $0.end }) {
                throw error(
                    .invalidNumber, "\"\(target.fullName)\" does not declare \(field.number) as an extension number.",
                    at: field.numberPosition)
            }
        }

        if let type = field.type, type != .group {
            field.resolvedType = type
        } else {
            let result = lookup.lookup(field.typeName, relativeTo: field.fullName, mode: .types)
            guard let symbol = result.symbol else { throw notDefined(field.typeName, result, at: field.typePosition) }
            switch symbol.kind {
            case .message(let message):
                field.messageType = message
                field.resolvedType = field.type ?? .message
                if field.defaultValue != nil {
                    throw error(.invalid, "Messages can't have default values.", at: field.defaultPosition)
                }
            case .enumType(let enumType):
                guard field.type == nil else {
                    throw error(.invalid, "\"\(field.typeName)\" is not a message type.", at: field.typePosition)
                }
                field.enumType = enumType
                field.resolvedType = .enum
                if case .text(let name)? = field.defaultValue {
                    guard Self.isIdentifier(name) else {
                        throw error(
                            .invalid, "Default value for an enum field must be an identifier.",
                            at: field.defaultPosition)
                    }
                    guard enumType.values.contains(where: { $0.name == name }) else {
                        throw error(
                            .undefined, "Enum type \"\(enumType.fullName)\" has no value named \"\(name)\".",
                            at: field.defaultPosition)
                    }
                }
            default:
                throw error(.invalid, "\"\(field.typeName)\" is not a type.", at: field.typePosition)
            }
        }

        if let extendee = field.extendeeType {
            if let existing = extensionNumbers[extendee.fullName]?[field.number] {
                throw error(
                    .duplicate,
                    "Extension number \(field.number) has already been used in \"\(extendee.fullName)\" by extension \"\(existing.fullName)\".",
                    at: field.numberPosition)
            }
            extensionNumbers[extendee.fullName, default: [:]][field.number] = field
            compilation.extensionIndex.add(field, extendee: extendee.fullName)
        } else if let message = field.containingMessage {
            if let existing = message.fieldsByNumber[field.number] {
                throw error(
                    .duplicate,
                    "Field number \(field.number) has already been used in \"\(message.fullName)\" by field \"\(existing.name)\". \(Self.nextAvailable(in: message)).",
                    at: field.numberPosition)
            }
            message.fieldsByNumber[field.number] = field
        }
    }

    /// The suffix protoc adds to duplicate field number errors: the lowest number not used by a
    /// field, a reserved or extension range, or the implementation range. Jumps over ranges so a
    /// message reserving everything costs no more than its declarations.
    private static func nextAvailable(in message: MessageNode) -> String {
        let used = Set(message.fields.map(\.number))
        let ranges =
            message.reservedRanges.map { (Int64($0.start), Int64($0.end)) }
            + message.extensionRanges.map { (Int64($0.start), Int64($0.end)) } + [(19000, 20000)]
        var candidate: Int64 = 1
        while candidate <= Int64(maxFieldNumber) {
            if let range = ranges.first(where: { $0.0 <= candidate && candidate < $0.1 }) {
                candidate = range.1
            } else if used.contains(Int32(candidate)) {
                candidate += 1
            } else {
                return "Next available field number is \(candidate)"
            }
        }
        return "There are no available field numbers"
    }

    private func resolveMethodType(_ name: String, _ method: MethodNode, at position: SourcePosition) throws -> String {
        let result = lookup.lookup(name, relativeTo: method.fullName)
        guard let symbol = result.symbol else { throw notDefined(name, result, at: position) }
        guard case .message(let message) = symbol.kind else {
            throw error(.invalid, "\"\(name)\" is not a message type.", at: position)
        }
        return "." + message.fullName
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, Lexer.isLetter(first) else { return false }
        return text.utf8.allSatisfy(Lexer.isAlphanumeric)
    }
}
