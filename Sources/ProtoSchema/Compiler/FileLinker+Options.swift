import SwiftProtobuf

/// Phase 3: options interpreted in protoc's two passes (standard options and features first, then
/// custom options, which may depend on features), then edition features resolved per element.
extension FileLinker {
    mutating func interpretOptions() throws {
        let interpreter = OptionInterpreter(lookup: lookup, compilation: compilation, fileName: file.name)
        for index in targets.indices {
            try interpreter.interpret(&targets[index].target, custom: false)
        }
        mergedOptions = targets.map { merge($0.target) }
        for (index, (owner, _)) in targets.enumerated() {
            try applyStandardOptions(owner, mergedOptions[index]?.serialized() ?? [])
        }
        try resolveFeatures()
        try validateFeatureLifetimes()
        for index in targets.indices {
            let before = targets[index].target.records.count
            try interpreter.interpret(&targets[index].target, custom: true)
            if targets[index].target.records.count != before { mergedOptions[index] = merge(targets[index].target) }
        }
        for (index, (owner, target)) in targets.enumerated() {
            store(owner, outputBytes(target, mergedOptions[index]))
        }
    }

    /// Every option of the element merged into one options message, as protoc reparses them.
    private func merge(_ target: OptionTarget) -> OptionMessage? {
        guard let type = compilation.optionsMessage(target.optionsType) else { return nil }
        let message = OptionMessage(type: type, extensions: compilation.extensionIndex)
        message.merge(target.records)
        return message
    }

    /// The options as written to the descriptor: fields in number order, source-retention options
    /// removed, and the whole options message dropped when that removal leaves it empty (as protoc
    /// does).
    private func outputBytes(_ target: OptionTarget, _ merged: OptionMessage?) -> [UInt8]? {
        guard let merged else { return WireCoding.encode(target.records) }
        var stripped = false
        let bytes = merged.serializedForOutput(stripped: &stripped)
        return stripped && bytes.isEmpty ? nil : bytes
    }

    private static func decode<M: SwiftProtobuf.Message>(_ bytes: [UInt8], as _: M.Type = M.self) -> M {
        (try? M(serializedBytes: bytes)) ?? M()
    }

    /// Keeps the standard options the linker itself needs (features, packed, map_entry...).
    private mutating func applyStandardOptions(_ owner: OptionOwner, _ bytes: [UInt8]) throws {
        switch owner {
        case .file:
            let options: Google_Protobuf_FileOptions = Self.decode(bytes)
            if options.hasFeatures { try requireEditions(at: file.syntaxPosition) }
            fileOptions = options
        case .message(let message):
            message.standardOptions = Self.decode(bytes)
            if message.standardOptions.hasFeatures { try requireEditions(at: message.namePosition) }
        case .field(let field):
            field.standardOptions = Self.decode(bytes)
            if field.standardOptions.hasFeatures { try requireEditions(at: field.namePosition) }
        case .oneof(let oneof, _):
            let options: Google_Protobuf_OneofOptions = Self.decode(bytes)
            oneof.features = oneof.features.merging(options.features)
            oneofFeatures[ObjectIdentifier(oneof)] = options.features
            if options.hasFeatures { try requireEditions(at: oneof.position) }
        case .enumType(let node):
            let options: Google_Protobuf_EnumOptions = Self.decode(bytes)
            node.allowAlias = options.allowAlias
            enumFeatures[ObjectIdentifier(node)] = options.features
            if options.hasFeatures { try requireEditions(at: node.namePosition) }
        case .enumValue(let value):
            let options: Google_Protobuf_EnumValueOptions = Self.decode(bytes)
            if options.hasFeatures { try requireEditions(at: value.namePosition) }
        case .service(let service):
            let options: Google_Protobuf_ServiceOptions = Self.decode(bytes)
            if options.hasFeatures { try requireEditions(at: service.namePosition) }
        case .method(let method):
            let options: Google_Protobuf_MethodOptions = Self.decode(bytes)
            if options.hasFeatures { try requireEditions(at: method.namePosition) }
        case .extensionRange(let message, let index):
            let options: Google_Protobuf_ExtensionRangeOptions = Self.decode(bytes)
            message.extensionRanges[index].standardOptions = options
            if options.hasFeatures { try requireEditions(at: message.extensionRanges[index].position) }
        }
    }

    private func requireEditions(at position: SourcePosition) throws {
        if !isEditions {
            throw error(.invalid, "Features are only valid under editions.", at: position)
        }
    }

    private func store(_ owner: OptionOwner, _ bytes: [UInt8]?) {
        switch owner {
        case .file: file.optionBytes = bytes
        case .message(let message): message.optionBytes = bytes
        case .field(let field): field.optionBytes = bytes
        case .oneof(let oneof, _): oneof.optionBytes = bytes
        case .enumType(let node): node.optionBytes = bytes
        case .enumValue(let value): value.optionBytes = bytes
        case .service(let service): service.optionBytes = bytes
        case .method(let method): method.optionBytes = bytes
        case .extensionRange(let message, let index): message.extensionRanges[index].optionBytes = bytes
        }
    }

    // MARK: Features

    /// Resolves edition features from the file down to every field and enum, inferring them from
    /// legacy syntax (required, groups, packed) for proto2 and proto3 as protoc does.
    private func resolveFeatures() throws {
        let base = ResolvedFeatures.defaults(for: edition).merging(fileOptions.features)
        file.features = base
        for message in file.messages { resolve(message, parent: base) }
        for node in file.enums { resolve(node, parent: base) }
        for field in file.extensions { resolve(field, parent: base) }
    }

    private func resolve(_ message: MessageNode, parent: ResolvedFeatures) {
        let features = parent.merging(message.standardOptions.features)
        message.features = features
        var oneofs: [ResolvedFeatures] = []
        for oneof in message.oneofs {
            let resolved = features.merging(oneofFeatures[ObjectIdentifier(oneof)] ?? Google_Protobuf_FeatureSet())
            oneof.features = resolved
            oneofs.append(resolved)
        }
        for field in message.fields {
            if let index = field.oneofIndex, oneofs.indices.contains(index) {
                resolve(field, parent: oneofs[index])
            } else {
                resolve(field, parent: features)
            }
        }
        for nested in message.nestedMessages { resolve(nested, parent: features) }
        for node in message.enums { resolve(node, parent: features) }
        for field in message.extensions { resolve(field, parent: features) }
    }

    private func resolve(_ field: FieldNode, parent: ResolvedFeatures) {
        var features = parent.merging(field.standardOptions.features)
        if !isEditions {
            if field.label == .required { features.fieldPresence = .legacyRequired }
            if field.type == .group { features.messageEncoding = .delimited }
            let options = field.standardOptions
            if options.hasPacked {
                features.repeatedFieldEncoding = options.packed ? .packed : .expanded
            }
        }
        field.features = features
    }

    private func resolve(_ node: EnumNode, parent: ResolvedFeatures) {
        node.features = parent.merging(enumFeatures[ObjectIdentifier(node)] ?? Google_Protobuf_FeatureSet())
    }
}
