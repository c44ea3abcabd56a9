import SwiftProtobuf

/// Extension declarations (`extensions 10 to 20 [declaration = {...}]`): the declarations must be
/// consistent, and extensions of a declared range must match them. Like protoc, extensions are
/// only checked against ranges declared in the same file (other files' declarations, being
/// source-retention options, are gone by then).
extension FileLinker {
    func validateDeclarations(of message: MessageNode) throws {
        var names = Set<String>()
        for range in message.extensionRanges {
            let options = range.standardOptions
            if options.hasVerification && options.verification == .unverified && !options.declaration.isEmpty {
                throw error(
                    .invalid, "Cannot mark the extension range as UNVERIFIED when it has extension(s) declared.",
                    at: range.position)
            }
            var numbers = Set<Int32>()
            for declaration in options.declaration {
                if !numbers.insert(declaration.number).inserted {
                    throw error(
                        .duplicate, "Extension declaration number \(declaration.number) is declared multiple times.",
                        at: range.position)
                }
                if declaration.number < range.start || declaration.number >= range.end {
                    throw error(
                        .invalidNumber,
                        "Extension declaration number \(declaration.number) is not in the extension range.",
                        at: range.position)
                }
                guard !declaration.reserved else { continue }
                if declaration.fullName.isEmpty || declaration.type.isEmpty {
                    throw error(
                        .invalid,
                        "Extension declaration #\(declaration.number) should have both \"full_name\" and \"type\" set.",
                        at: range.position)
                }
                if !declaration.fullName.hasPrefix(".") {
                    throw error(
                        .invalid,
                        "\"\(declaration.fullName)\" must have a leading dot to indicate the fully-qualified scope.",
                        at: range.position)
                }
                if !names.insert(declaration.fullName).inserted {
                    throw error(
                        .duplicate, "Extension field name \"\(declaration.fullName)\" is declared multiple times.",
                        at: range.position)
                }
            }
        }
    }

    func validateAgainstDeclarations(_ field: FieldNode) throws {
        guard let extendee = field.extendeeType, extendee.file === file,
            let range = extendee.extensionRanges.first(where: { $0.start <= field.number && field.number < $0.end })
        else { return }
        let options = range.standardOptions
        let at = field.extendeePosition
        guard let declaration = options.declaration.first(where: { $0.number == field.number }) else {
            if options.verification == .declaration || !options.declaration.isEmpty {
                throw error(
                    .invalid,
                    "Missing extension declaration for field \(field.fullName) with number \(field.number) in extendee message \(extendee.fullName). An extension range must declare for all extension fields if its verification state is DECLARATION or there's any declaration in the range already. Otherwise, consider splitting up the range.",
                    at: at)
            }
            return
        }
        if declaration.reserved {
            throw error(
                .reserved,
                "Cannot use number \(field.number) for extension field \(field.fullName), as it is reserved in the extension declarations for message \(extendee.fullName).",
                at: at)
        }
        if !declaration.type.isEmpty {
            let actual: String
            if let message = field.messageType {
                actual = "." + message.fullName
            } else if let enumType = field.enumType {
                actual = "." + enumType.fullName
            } else {
                actual = Self.typeName(field.resolvedType)
            }
            if actual != declaration.type {
                throw error(
                    .invalid,
                    "\"\(extendee.fullName)\" extension field \(field.number) is expected to be type \"\(declaration.type)\", not \"\(actual)\".",
                    at: at)
            }
        }
        if !declaration.fullName.isEmpty && declaration.fullName != "." + field.fullName {
            throw error(
                .invalid,
                "\"\(extendee.fullName)\" extension field \(field.number) is expected to have field name \"\(declaration.fullName)\", not \".\(field.fullName)\".",
                at: at)
        }
        if declaration.repeated != field.isRepeated {
            throw error(
                .invalid,
                "\"\(extendee.fullName)\" extension field \(field.number) is expected to be \(declaration.repeated ? "repeated" : "optional").",
                at: at)
        }
    }

    /// The `.proto` spelling of a scalar type.
    static func typeName(_ type: Google_Protobuf_FieldDescriptorProto.TypeEnum) -> String {
        switch type {
        case .double: "double"
        case .float: "float"
        case .int64: "int64"
        case .uint64: "uint64"
        case .int32: "int32"
        case .fixed64: "fixed64"
        case .fixed32: "fixed32"
        case .bool: "bool"
        case .string: "string"
        case .bytes: "bytes"
        case .uint32: "uint32"
        case .sfixed32: "sfixed32"
        case .sfixed64: "sfixed64"
        case .sint32: "sint32"
        case .sint64: "sint64"
        case .group: "group"
        case .message: "message"
        case .enum: "enum"
        }
    }
}
