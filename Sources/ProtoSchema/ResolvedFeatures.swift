import SwiftProtobuf

/// The edition features that change how values are encoded, resolved from edition defaults through
/// file, message, oneof and field options (protobuf's "feature resolution").
public struct ResolvedFeatures: Hashable, Sendable {
    public var fieldPresence: Google_Protobuf_FeatureSet.FieldPresence
    public var enumType: Google_Protobuf_FeatureSet.EnumType
    public var repeatedFieldEncoding: Google_Protobuf_FeatureSet.RepeatedFieldEncoding
    public var utf8Validation: Google_Protobuf_FeatureSet.Utf8Validation
    public var messageEncoding: Google_Protobuf_FeatureSet.MessageEncoding
    public var jsonFormat: Google_Protobuf_FeatureSet.JsonFormat

    /// The defaults of an edition, as in `descriptor.proto`'s `edition_defaults`.
    public static func defaults(for edition: Google_Protobuf_Edition) -> ResolvedFeatures {
        switch edition {
        case .proto2:
            ResolvedFeatures(
                fieldPresence: .explicit, enumType: .closed, repeatedFieldEncoding: .expanded,
                utf8Validation: .none, messageEncoding: .lengthPrefixed, jsonFormat: .legacyBestEffort)
        case .proto3:
            ResolvedFeatures(
                fieldPresence: .implicit, enumType: .open, repeatedFieldEncoding: .packed,
                utf8Validation: .verify, messageEncoding: .lengthPrefixed, jsonFormat: .allow)
        default:  // 2023 and later share these defaults for the features above
            ResolvedFeatures(
                fieldPresence: .explicit, enumType: .open, repeatedFieldEncoding: .packed,
                utf8Validation: .verify, messageEncoding: .lengthPrefixed, jsonFormat: .allow)
        }
    }

    /// These features with the ones explicitly set in `set` applied on top.
    func merging(_ set: Google_Protobuf_FeatureSet) -> ResolvedFeatures {
        var result = self
        if set.hasFieldPresence, set.fieldPresence != .unknown { result.fieldPresence = set.fieldPresence }
        if set.hasEnumType, set.enumType != .unknown { result.enumType = set.enumType }
        if set.hasRepeatedFieldEncoding, set.repeatedFieldEncoding != .unknown {
            result.repeatedFieldEncoding = set.repeatedFieldEncoding
        }
        if set.hasUtf8Validation, set.utf8Validation != .unknown { result.utf8Validation = set.utf8Validation }
        if set.hasMessageEncoding, set.messageEncoding != .unknown { result.messageEncoding = set.messageEncoding }
        if set.hasJsonFormat, set.jsonFormat != .unknown { result.jsonFormat = set.jsonFormat }
        return result
    }
}
