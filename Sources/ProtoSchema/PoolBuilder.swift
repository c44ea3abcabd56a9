import SwiftProtobuf

/// Builds a ``DescriptorPool``: orders files by their imports, creates a descriptor per definition,
/// then resolves type references and edition features.
struct PoolBuilder {
    var files: [FileDescriptor] = []
    var filesByName: [String: FileDescriptor] = [:]
    var messages: [String: MessageDescriptor] = [:]
    var enums: [String: EnumDescriptor] = [:]
    var services: [String: ServiceDescriptor] = [:]
    var methods: [String: MethodDescriptor] = [:]
    var extensions: [String: FieldDescriptor] = [:]
    /// Every full name defined so far, with the file that defines it (for conflict messages).
    private var symbols: [String: String] = [:]
    /// Fields and extensions waiting for their type references to be resolved.
    private var pendingFields:
        [(field: FieldDescriptor, scope: String, features: ResolvedFeatures, file: FileDescriptor)] = []

    mutating func build(_ protos: [Google_Protobuf_FileDescriptorProto]) throws {
        let ordered = try Self.order(protos)
        for proto in ordered {
            let file = FileDescriptor(proto: proto)
            file.dependencies = proto.dependency.compactMap { filesByName[$0] }
            files.append(file)
            filesByName[proto.name] = file
            try define(file)
        }
        for pending in pendingFields {
            try link(pending.field, scope: pending.scope, features: pending.features, file: pending.file)
        }
        for service in services.values {
            for method in service.methods {
                let scope = service.fullName
                guard let input = resolveMessage(method.proto.inputType, scope: scope) else {
                    throw undefined(method.proto.inputType, in: service.file, what: "input type of \(method.path)")
                }
                guard let output = resolveMessage(method.proto.outputType, scope: scope) else {
                    throw undefined(method.proto.outputType, in: service.file, what: "output type of \(method.path)")
                }
                method.inputType = input
                method.outputType = output
            }
        }
        for message in messages.values { message.indexFields() }
    }

    // MARK: Ordering

    /// Drops identical duplicates, rejects conflicting ones, and orders files after their imports.
    static func order(_ protos: [Google_Protobuf_FileDescriptorProto]) throws -> [Google_Protobuf_FileDescriptorProto] {
        var byName: [String: Google_Protobuf_FileDescriptorProto] = [:]
        var names: [String] = []
        for proto in protos {
            if let existing = byName[proto.name] {
                guard existing == proto else {
                    throw SchemaError(
                        .conflict, "file \"\(proto.name)\" is already loaded with different contents", file: proto.name)
                }
                continue
            }
            byName[proto.name] = proto
            names.append(proto.name)
        }
        var ordered: [Google_Protobuf_FileDescriptorProto] = []
        var state: [String: Bool] = [:]  // false: visiting, true: done
        func visit(_ name: String, from importer: String?, path: [String]) throws {
            if state[name] == true { return }
            if state[name] == false {
                let cycle = (path.drop { $0 != name } + [name]).joined(separator: " -> ")
                throw SchemaError(.importCycle, "File recursively imports itself: \(cycle)", file: name)
            }
            guard let proto = byName[name] else {
                throw SchemaError(
                    .importNotFound, "imports \"\(name)\", which is not in the descriptor set", file: importer)
            }
            state[name] = false
            for dependency in proto.dependency {
                try visit(dependency, from: name, path: path + [name])
            }
            state[name] = true
            ordered.append(proto)
        }
        for name in names { try visit(name, from: nil, path: []) }
        return ordered
    }

    // MARK: Definitions

    private mutating func claim(_ fullName: String, in file: FileDescriptor) throws {
        if let other = symbols[fullName] {
            let where_ = other == file.name ? "" : " in \"\(other)\""
            throw SchemaError(.duplicate, "\"\(fullName)\" is already defined\(where_).", file: file.name)
        }
        symbols[fullName] = file.name
    }

    private static func qualify(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : "\(scope).\(name)"
    }

    private mutating func define(_ file: FileDescriptor) throws {
        let scope = file.package
        for proto in file.proto.messageType {
            file.messages.append(
                try defineMessage(proto, scope: scope, parent: nil, file: file, features: file.features))
        }
        for proto in file.proto.enumType {
            file.enums.append(try defineEnum(proto, scope: scope, parent: nil, file: file, features: file.features))
        }
        for proto in file.proto.extension {
            file.extensions.append(try defineExtension(proto, scope: scope, file: file, features: file.features))
        }
        for proto in file.proto.service {
            let fullName = Self.qualify(scope, proto.name)
            try claim(fullName, in: file)
            let service = ServiceDescriptor(proto: proto, fullName: fullName, file: file)
            for methodProto in proto.method {
                let method = MethodDescriptor(proto: methodProto, service: service)
                service.methods.append(method)
                methods[method.path] = method
            }
            services[fullName] = service
            file.services.append(service)
        }
    }

    private mutating func defineMessage(
        _ proto: Google_Protobuf_DescriptorProto, scope: String, parent: MessageDescriptor?, file: FileDescriptor,
        features: ResolvedFeatures
    ) throws -> MessageDescriptor {
        let fullName = Self.qualify(scope, proto.name)
        try claim(fullName, in: file)
        let resolved = features.merging(proto.options.features)
        let message = MessageDescriptor(proto: proto, fullName: fullName, file: file, features: resolved)
        message.parent = parent
        messages[fullName] = message
        for oneofProto in proto.oneofDecl {
            message.oneofs.append(
                OneofDescriptor(
                    proto: oneofProto, containingType: message, features: resolved.merging(oneofProto.options.features))
            )
        }
        for fieldProto in proto.field {
            let field = FieldDescriptor(
                proto: fieldProto, fullName: "\(fullName).\(fieldProto.name)", isExtension: false)
            field.containingType = message
            var fieldScopeFeatures = resolved
            if fieldProto.hasOneofIndex {
                let index = Int(fieldProto.oneofIndex)
                guard message.oneofs.indices.contains(index) else {
                    throw SchemaError(
                        .invalid, "field \"\(field.fullName)\" has oneof_index \(index) out of range", file: file.name)
                }
                let oneof = message.oneofs[index]
                field.oneof = oneof
                oneof.fields.append(field)
                fieldScopeFeatures = oneof.features
            }
            message.fields.append(field)
            pendingFields.append((field, fullName, fieldScopeFeatures, file))
        }
        for oneof in message.oneofs {
            oneof.isSynthetic = oneof.fields.count == 1 && oneof.fields[0].proto.proto3Optional
        }
        for nested in proto.nestedType {
            message.nestedMessages.append(
                try defineMessage(nested, scope: fullName, parent: message, file: file, features: resolved))
        }
        for nested in proto.enumType {
            message.nestedEnums.append(
                try defineEnum(nested, scope: fullName, parent: message, file: file, features: resolved))
        }
        for extensionProto in proto.extension {
            let field = try defineExtension(extensionProto, scope: fullName, file: file, features: resolved)
            field.extensionScope = message
            message.nestedExtensions.append(field)
        }
        return message
    }

    private mutating func defineEnum(
        _ proto: Google_Protobuf_EnumDescriptorProto, scope: String, parent: MessageDescriptor?, file: FileDescriptor,
        features: ResolvedFeatures
    ) throws -> EnumDescriptor {
        let fullName = Self.qualify(scope, proto.name)
        try claim(fullName, in: file)
        let descriptor = EnumDescriptor(proto: proto, fullName: fullName, file: file, features: features)
        descriptor.parent = parent
        enums[fullName] = descriptor
        // Enum values are siblings of their enum (C++ scoping), so they share its scope's namespace.
        for value in proto.value {
            try claim(Self.qualify(scope, value.name), in: file)
        }
        return descriptor
    }

    private mutating func defineExtension(
        _ proto: Google_Protobuf_FieldDescriptorProto, scope: String, file: FileDescriptor, features: ResolvedFeatures
    ) throws -> FieldDescriptor {
        let fullName = Self.qualify(scope, proto.name)
        try claim(fullName, in: file)
        let field = FieldDescriptor(proto: proto, fullName: fullName, isExtension: true)
        extensions[fullName] = field
        pendingFields.append((field, scope, features, file))
        return field
    }

    // MARK: Linking

    private mutating func link(
        _ field: FieldDescriptor, scope: String, features scopeFeatures: ResolvedFeatures, file: FileDescriptor
    ) throws {
        let proto = field.proto
        let features = scopeFeatures.merging(proto.options.features)
        let fileName = file.name

        if proto.hasTypeName {
            if let message = resolveMessage(proto.typeName, scope: scope),
                !proto.hasType || proto.type == .message
                    || proto.type == .group
            {
                field.messageType = message
                if !proto.hasType { field.type = .message }
            } else if let enumType = resolveEnum(proto.typeName, scope: scope),
                !proto.hasType || proto.type == .enum
            {
                field.enumType = enumType
                field.type = .enum
            } else {
                throw SchemaError(.undefined, "\"\(proto.typeName)\" is not defined.", file: fileName)
            }
        } else if proto.type == .message || proto.type == .group || proto.type == .enum {
            throw SchemaError(.undefined, "field \"\(field.fullName)\" has no type name.", file: fileName)
        }

        if field.isExtension {
            guard let extendee = resolveMessage(proto.extendee, scope: scope) else {
                throw SchemaError(.undefined, "\"\(proto.extendee)\" is not defined.", file: fileName)
            }
            field.containingType = extendee
            if let existing = extendee.extensionsByNumber[field.number] {
                throw SchemaError(
                    .duplicate,
                    "Extension number \(field.number) has already been used in \"\(extendee.fullName)\" by extension \"\(existing.fullName)\".",
                    file: fileName)
            }
            extendee.extensionsByNumber[field.number] = field
        }

        let isEditions: Bool
        if case .editions = file.syntax { isEditions = true } else { isEditions = false }
        if field.type == .message, features.messageEncoding == .delimited, field.messageType?.isMapEntry == false {
            field.type = .group
        }
        field.wireType = field.type.wireType
        field.isRequired = proto.label == .required || (isEditions && features.fieldPresence == .legacyRequired)
        field.isMap = field.isRepeated && field.type == .message && field.messageType?.isMapEntry == true
        if field.isRepeated, field.type.isPackable {
            field.isPacked =
                proto.options.hasPacked ? proto.options.packed : features.repeatedFieldEncoding == .packed
        }
        if !field.isRepeated {
            field.hasPresence =
                field.type == .message || field.type == .group || field.oneof != nil || field.isExtension
                || proto.proto3Optional || features.fieldPresence != .implicit
        }
        field.validatesUTF8 = field.type == .string && features.utf8Validation == .verify
    }

    private func resolveMessage(_ name: String, scope: String) -> MessageDescriptor? {
        resolve(name, scope: scope) { messages[$0] }
    }

    private func resolveEnum(_ name: String, scope: String) -> EnumDescriptor? {
        resolve(name, scope: scope) { enums[$0] }
    }

    /// Fully qualified names (leading dot) are looked up as is; relative ones from the innermost scope
    /// outwards, as protoc does.
    private func resolve<T>(_ name: String, scope: String, _ lookup: (String) -> T?) -> T? {
        if name.hasPrefix(".") { return lookup(String(name.dropFirst())) }
        var scope = Substring(scope)
        while true {
            if let found = lookup(scope.isEmpty ? name : "\(scope).\(name)") { return found }
            if scope.isEmpty { return nil }
            if let dot = scope.lastIndex(of: ".") {
                scope = scope[..<dot]
            } else {
                scope = ""
            }
        }
    }

    private func undefined(_ name: String, in file: FileDescriptor, what: String) -> SchemaError {
        SchemaError(.undefined, "\"\(name)\" is not defined (\(what)).", file: file.name)
    }
}
