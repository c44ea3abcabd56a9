import SwiftProtobuf

/// Checks of explicitly set edition features against the feature definitions in descriptor.proto
/// (and extensions such as `pb.cpp`): where each may be set, since which edition, and that enum
/// features name a known value.
extension FileLinker {
    func validateFeatureTargets() throws {
        guard isEditions else { return }
        for (owner, target) in targets {
            guard let type = compilation.optionsMessage(target.optionsType),
                let featuresField = type.fieldsByName["features"]
            else { continue }
            let options = OptionMessage(type: type, extensions: compilation.extensionIndex)
            options.merge(target.records)
            guard case .message(let features)? = options.values[featuresField.number]?.last else { continue }
            try check(features, kind: target.kind, at: position(of: owner))
        }
    }

    private func check(_ features: OptionMessage, kind: OptionTarget.Kind, at position: SourcePosition) throws {
        for number in features.values.keys.sorted() {
            guard let field = features.fields[number], let values = features.values[number] else { continue }
            if field.isMessageLike {
                // A language extension such as `(pb.cpp)`: check the features inside it.
                for case .message(let inner) in values { try check(inner, kind: kind, at: position) }
                continue
            }
            let options = field.standardOptions
            let featureName = field.fullName
            if !options.targets.isEmpty && !options.targets.contains(Self.targetType(kind)) {
                throw error(
                    .invalid, "Option \(featureName) cannot be set on an entity of type `\(kind.rawValue)`.",
                    at: position)
            }
            let support = options.featureSupport
            if support.hasEditionIntroduced && support.editionIntroduced.rawValue > edition.rawValue {
                throw error(
                    .invalid,
                    "\(featureName) wasn't introduced until edition \(Self.name(of: support.editionIntroduced)) and can't be used in edition \(Self.name(of: edition))",
                    at: position)
            }
            if support.hasEditionRemoved && support.editionRemoved.rawValue <= edition.rawValue {
                throw error(
                    .invalid,
                    "\(featureName) has been removed in edition \(Self.name(of: support.editionRemoved)) and can't be used in edition \(Self.name(of: edition))",
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

    private func position(of owner: OptionOwner) -> SourcePosition {
        switch owner {
        case .file: file.syntaxPosition
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
