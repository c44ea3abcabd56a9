/// Phase 1, protoc's `BuildFile`: full names, symbols (duplicates), and checks of numbers and
/// reserved declarations that need no other file.
extension FileLinker {
    static let maxFieldNumber: Int32 = 536_870_911

    mutating func build() throws {
        let package = file.package ?? ""
        if !package.isEmpty { try addPackage(package) }
        symbols.recordPackage(package, of: file)
        for message in file.messages { try buildMessage(message, scope: package, parent: nil) }
        for node in file.enums { try buildEnum(node, scope: package) }
        for service in file.services { try buildService(service, scope: package) }
        for field in file.extensions { try buildField(field, scope: package, message: nil) }
        addTarget(
            .file, .file, "google.protobuf.FileOptions", Self.qualify(package, "dummy"), file.options,
            !file.options.isEmpty)
    }

    private mutating func addTarget(
        _ owner: OptionOwner, _ kind: OptionTarget.Kind, _ type: String, _ scope: String, _ options: [OptionNode],
        _ hasOptions: Bool
    ) {
        guard hasOptions else { return }
        targets.append(
            (owner, OptionTarget(kind: kind, optionsType: type, scope: scope, options: options, hasOptions: true)))
    }

    private func addPackage(_ name: String) throws {
        if let existing = symbols[name] {
            if !existing.kind.isPackage {
                throw error(
                    .duplicate,
                    "\"\(name)\" is already defined (as something other than a package) in file \"\(existing.file.name)\".",
                    at: file.packagePosition)
            }
            return
        }
        _ = symbols.add(name, .package, file: file)
        if let dot = name.lastIndex(of: ".") { try addPackage(String(name[..<dot])) }
    }

    func addSymbol(_ fullName: String, _ kind: SymbolTable.Kind, at position: SourcePosition) throws {
        guard let existing = symbols.add(fullName, kind, file: file) else { return }
        if existing.file === file {
            if let dot = fullName.lastIndex(of: ".") {
                let name = fullName[fullName.index(after: dot)...]
                throw error(.duplicate, "\"\(name)\" is already defined in \"\(fullName[..<dot])\".", at: position)
            }
            throw error(.duplicate, "\"\(fullName)\" is already defined.", at: position)
        }
        throw error(.duplicate, "\"\(fullName)\" is already defined in file \"\(existing.file.name)\".", at: position)
    }

    // MARK: Messages

    private mutating func buildMessage(_ message: MessageNode, scope: String, parent: MessageNode?) throws {
        message.fullName = Self.qualify(scope, message.name)
        message.file = file
        for oneof in message.oneofs {
            addTarget(
                .oneof(oneof, message), .oneof, "google.protobuf.OneofOptions", "\(message.fullName).\(oneof.name)",
                oneof.options, oneof.hasOptions)
            try addSymbol("\(message.fullName).\(oneof.name)", .oneof(oneof), at: oneof.position)
        }
        for field in message.fields { try buildField(field, scope: message.fullName, message: message) }
        for node in message.enums { try buildEnum(node, scope: message.fullName) }
        for (index, range) in message.extensionRanges.enumerated() {
            if range.start <= 0 {
                throw error(.invalidNumber, "Extension numbers must be positive integers.", at: range.position)
            }
            if range.start >= range.end {
                throw error(
                    .invalidNumber, "Extension range end number must be greater than start number.",
                    at: range.position)
            }
            addTarget(
                .extensionRange(message, index), .extensionRange, "google.protobuf.ExtensionRangeOptions",
                message.fullName, range.options, range.hasOptions)
        }
        for field in message.extensions { try buildField(field, scope: message.fullName, message: nil) }
        for range in message.reservedRanges {
            if range.start <= 0 {
                throw error(.invalidNumber, "Reserved numbers must be positive integers.", at: range.position)
            }
            if range.start >= range.end {
                throw error(
                    .invalidNumber, "Reserved range end number must be greater than start number.", at: range.position)
            }
        }
        for nested in message.nestedMessages { try buildMessage(nested, scope: message.fullName, parent: message) }
        addTarget(
            .message(message), .message, "google.protobuf.MessageOptions", message.fullName, message.options,
            message.hasOptions && !message.options.isEmpty)
        try addSymbol(message.fullName, .message(message), at: message.namePosition)
        try checkMessageRanges(message)
    }

    private func checkMessageRanges(_ message: MessageNode) throws {
        let reserved = message.reservedRanges
        for (i, first) in reserved.enumerated() {
            for second in reserved[(i + 1)...] where first.end > second.start && second.end > first.start {
                throw error(
                    .reserved,
                    "Reserved range \(second.start) to \(second.end - 1) overlaps with already-defined range \(first.start) to \(first.end - 1).",
                    at: first.position)
            }
        }
        var names = Set<String>()
        for name in message.reservedNames where !names.insert(name.name).inserted {
            throw error(.reserved, "Field name \"\(name.name)\" is reserved multiple times.", at: message.namePosition)
        }
        for field in message.fields {
            for range in message.extensionRanges where range.start <= field.number && field.number < range.end {
                throw error(
                    .invalidNumber,
                    "Extension range \(range.start) to \(range.end - 1) includes field \"\(field.name)\" (\(field.number)).",
                    at: range.position)
            }
            for range in reserved where range.start <= field.number && field.number < range.end {
                throw error(
                    .reserved, "Field \"\(field.name)\" uses reserved number \(field.number).", at: range.position)
            }
            if names.contains(field.name) {
                throw error(.reserved, "Field name \"\(field.name)\" is reserved.", at: field.namePosition)
            }
        }
        let ranges = message.extensionRanges
        for (i, first) in ranges.enumerated() {
            for second in reserved where first.end > second.start && second.end > first.start {
                throw error(
                    .reserved,
                    "Extension range \(first.start) to \(first.end - 1) overlaps with reserved range \(second.start) to \(second.end - 1).",
                    at: first.position)
            }
            for second in ranges[(i + 1)...] where first.end > second.start && second.end > first.start {
                throw error(
                    .invalidNumber,
                    "Extension range \(second.start) to \(second.end - 1) overlaps with already-defined range \(first.start) to \(first.end - 1).",
                    at: first.position)
            }
        }
    }

    private mutating func buildField(_ field: FieldNode, scope: String, message: MessageNode?) throws {
        field.fullName = Self.qualify(scope, field.name)
        field.scope = scope
        field.file = file
        field.containingMessage = message
        if field.number <= 0 {
            throw error(.invalidNumber, "Field numbers must be positive integers.", at: field.numberPosition)
        }
        if !field.isExtension && field.number > Self.maxFieldNumber {
            throw error(
                .invalidNumber, "Field numbers cannot be greater than \(Self.maxFieldNumber).", at: field.numberPosition
            )
        }
        if (19000...19999).contains(field.number) {
            throw error(
                .invalidNumber,
                "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.",
                at: field.numberPosition)
        }
        addTarget(
            .field(field), .field, "google.protobuf.FieldOptions", field.fullName, field.options, field.hasOptions)
        try addSymbol(field.fullName, .field(field), at: field.namePosition)
        if let message {
            message.fieldsByName[field.name] = field
        }
    }

    // MARK: Enums and services

    private mutating func buildEnum(_ node: EnumNode, scope: String) throws {
        node.fullName = Self.qualify(scope, node.name)
        node.file = file
        if node.values.isEmpty {
            throw error(.invalid, "Enums must contain at least one value.", at: node.namePosition)
        }
        for value in node.values {
            value.fullName = Self.qualify(scope, value.name)
            value.enumType = node
            addTarget(
                .enumValue(value), .enumValue, "google.protobuf.EnumValueOptions", value.fullName, value.options,
                value.hasOptions)
            try addSymbol(value.fullName, .enumValue(value), at: value.namePosition)
        }
        for range in node.reservedRanges where range.start > range.end {
            throw error(
                .invalidNumber, "Reserved range end number must be greater than start number.", at: range.position)
        }
        addTarget(
            .enumType(node), .enumType, "google.protobuf.EnumOptions", node.fullName, node.options, node.hasOptions)
        try addSymbol(node.fullName, .enumType(node), at: node.namePosition)

        let reserved = node.reservedRanges
        for (i, first) in reserved.enumerated() {
            for second in reserved[(i + 1)...] where first.end >= second.start && second.end >= first.start {
                throw error(
                    .reserved,
                    "Reserved range \(second.start) to \(second.end) overlaps with already-defined range \(first.start) to \(first.end).",
                    at: first.position)
            }
        }
        var names = Set<String>()
        for name in node.reservedNames where !names.insert(name.name).inserted {
            throw error(.reserved, "Enum value \"\(name.name)\" is reserved multiple times.", at: node.namePosition)
        }
        for value in node.values {
            for range in reserved where range.start <= value.number && value.number <= range.end {
                throw error(
                    .reserved, "Enum value \"\(value.name)\" uses reserved number \(value.number).", at: range.position)
            }
            if names.contains(value.name) {
                throw error(.reserved, "Enum value \"\(value.name)\" is reserved.", at: value.namePosition)
            }
        }
    }

    private mutating func buildService(_ service: ServiceNode, scope: String) throws {
        service.fullName = Self.qualify(scope, service.name)
        for method in service.methods {
            method.fullName = "\(service.fullName).\(method.name)"
            addTarget(
                .method(method), .method, "google.protobuf.MethodOptions", method.fullName, method.options,
                method.hasOptions)
            try addSymbol(method.fullName, .method(method), at: method.namePosition)
        }
        addTarget(
            .service(service), .service, "google.protobuf.ServiceOptions", service.fullName, service.options,
            service.hasOptions)
        try addSymbol(service.fullName, .service(service), at: service.namePosition)
    }
}
