import SwiftProtobuf

/// Checks of explicitly set edition features against the feature definitions in descriptor.proto
/// (and extensions such as `pb.cpp`): where each may be set, since which edition, and that enum
/// features name a known value.
extension FileLinker {
    /// protoc checks every set option field (at any depth) against its `targets`, and edition
    /// features against their `feature_support` and known values.
    func validateOptionTargets() throws {
        try checkOptions(targetsOnly: true)
    }

    /// Edition features must exist in the file's edition and name known values; protoc checks
    /// this while resolving features, before the other validations.
    func validateFeatureLifetimes() throws {
        guard isEditions else { return }
        try checkOptions(targetsOnly: false)
    }

    private func checkOptions(targetsOnly: Bool) throws {
        // protoc visits elements parent first (a service before its methods).
        let ranks = preOrderRanks()
        let ordered = targets.enumerated().sorted { rank(of: $0.1.owner, ranks) < rank(of: $1.1.owner, ranks) }
        for (index, (owner, target)) in ordered {
            guard let options = mergedOptions[index] else { continue }
            try check(options, kind: target.kind, inFeatures: false, targetsOnly: targetsOnly, at: position(of: owner))
        }
    }

    private func check(
        _ message: OptionMessage, kind: OptionTarget.Kind, inFeatures: Bool, targetsOnly: Bool,
        at position: SourcePosition
    ) throws {
        for number in message.values.keys.sorted() {
            guard let field = message.fields[number], let values = message.values[number] else { continue }
            let options = field.standardOptions
            if targetsOnly && !options.targets.isEmpty && !options.targets.contains(Self.targetType(kind)) {
                throw error(
                    .invalid, "Option \(field.fullName) cannot be set on an entity of type `\(kind.rawValue)`.",
                    at: position)
            }
            let isFeatures =
                inFeatures
                || (field.name == "features"
                    && field.containingMessage?.file?.name == "google/protobuf/descriptor.proto")
            if field.isMessageLike {
                for case .message(let inner) in values {
                    try check(inner, kind: kind, inFeatures: isFeatures, targetsOnly: targetsOnly, at: position)
                }
                continue
            }
            guard inFeatures && !targetsOnly else { continue }
            let support = options.featureSupport
            if support.hasEditionIntroduced && support.editionIntroduced.rawValue > edition.rawValue {
                throw error(
                    .invalid,
                    "\(field.fullName) wasn't introduced until edition \(Self.name(of: support.editionIntroduced)) and can't be used in edition \(Self.name(of: edition))",
                    at: position)
            }
            if support.hasEditionRemoved && support.editionRemoved.rawValue <= edition.rawValue {
                throw error(
                    .invalid,
                    "\(field.fullName) has been removed in edition \(Self.name(of: support.editionRemoved)) and can't be used in edition \(Self.name(of: edition))",
                    at: position)
            }
            if let enumType = field.enumType, case .scalar(.varint(let raw))? = values.last, raw == 0,
                let unknown = enumType.values.first(where: { $0.number == 0 })
            {
                throw error(
                    .invalid, "Feature field `\(field.name)` must resolve to a known value, found \(unknown.name)",
                    at: position)
            }
        }
    }

    private func preOrderRanks() -> [ObjectIdentifier: Int] {
        var ranks: [ObjectIdentifier: Int] = [:]
        func add(_ object: AnyObject) { ranks[ObjectIdentifier(object)] = ranks.count }
        func visit(_ message: MessageNode) {
            add(message)
            for field in message.fields { add(field) }
            for oneof in message.oneofs { add(oneof) }
            for nested in message.nestedMessages { visit(nested) }
            for node in message.enums { visit(node) }
            for field in message.extensions { add(field) }
        }
        func visit(_ node: EnumNode) {
            add(node)
            for value in node.values { add(value) }
        }
        add(file)
        for message in file.messages { visit(message) }
        for node in file.enums { visit(node) }
        for field in file.extensions { add(field) }
        for service in file.services {
            add(service)
            for method in service.methods { add(method) }
        }
        return ranks
    }

    private func rank(of owner: OptionOwner, _ ranks: [ObjectIdentifier: Int]) -> Int {
        let object: AnyObject
        switch owner {
        case .file: object = file
        case .message(let message): object = message
        case .field(let field): object = field
        case .oneof(let oneof, _): object = oneof
        case .enumType(let node): object = node
        case .enumValue(let value): object = value
        case .service(let service): object = service
        case .method(let method): object = method
        case .extensionRange(let message, _): object = message
        }
        return ranks[ObjectIdentifier(object)] ?? Int.max
    }

    private func position(of owner: OptionOwner) -> SourcePosition {
        switch owner {
        case .file: file.package != nil ? file.packagePosition : file.syntaxPosition
        case .message(let message): message.namePosition
        case .field(let field): field.namePosition
        case .oneof(let oneof, _): oneof.position
        case .enumType(let node): node.namePosition
        case .enumValue(let value): value.namePosition
        case .service(let service): service.namePosition
        case .method(let method): method.namePosition
        case .extensionRange(let message, let index): message.extensionRanges[index].position
        }
    }

    private static func targetType(_ kind: OptionTarget.Kind) -> Google_Protobuf_FieldOptions.OptionTargetType {
        switch kind {
        case .file: .targetTypeFile
        case .message: .targetTypeMessage
        case .field: .targetTypeField
        case .oneof: .targetTypeOneof
        case .extensionRange: .targetTypeExtensionRange
        case .enumType: .targetTypeEnum
        case .enumValue: .targetTypeEnumEntry
        case .service: .targetTypeService
        case .method: .targetTypeMethod
        }
    }

    /// An edition as protoc prints it: `2023`, `PROTO3`, `UNSTABLE`.
    static func name(of edition: Google_Protobuf_Edition) -> String {
        switch edition {
        case .legacy: "LEGACY"
        case .proto2: "PROTO2"
        case .proto3: "PROTO3"
        case .edition2023: "2023"
        case .edition2024: "2024"
        case .unstable: "UNSTABLE"
        case .max: "MAX"
        default: "\(edition.rawValue)"
        }
    }
}
