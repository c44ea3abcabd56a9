/// Options for writing proto3 JSON. The defaults are k6's (protojson with `EmitUnpopulated`).
public struct JSONEncodingOptions: Sendable {
    /// Which fields that are not set are written anyway.
    public enum Unpopulated: Sendable {
        /// Only set fields are written (protobuf's default).
        case omitted
        /// What k6 does (protojson's `EmitUnpopulated`): proto3 scalars with their defaults, messages
        /// and proto2 scalars as `null`, lists as `[]`, maps as `{}`; unset oneof members and proto3
        /// `optional` fields omitted.
        case emitted
        /// Only fields without presence, with their defaults (protobuf's
        /// `always_print_fields_with_no_presence`): no `null`s, and nothing for messages.
        case emittedWithoutPresence
    }

    /// Which unset fields to write; k6 writes them (``Unpopulated/emitted``).
    public var unpopulated: Unpopulated = .emitted
    /// Write field names as in the `.proto` (`snake_case`) instead of lowerCamelCase JSON names.
    public var useProtoNames = false
    /// Write enums as numbers instead of names.
    public var enumsAsNumbers = false
    /// Indent with two spaces, one member per line.
    public var pretty = false
    /// How deeply messages may nest.
    public var recursionLimit = 100

    /// k6's choices: unpopulated fields emitted, JSON names, enum names, compact.
    public init() {}

    /// k6's choices.
    public static let `default` = JSONEncodingOptions()

    /// Options with `configure` applied to the defaults.
    public static func with(_ configure: (inout JSONEncodingOptions) -> Void) -> JSONEncodingOptions {
        var options = JSONEncodingOptions()
        configure(&options)
        return options
    }
}

/// Options for reading proto3 JSON. The defaults are k6's (protojson's defaults).
public struct JSONDecodingOptions: Sendable {
    /// Skip members that name no field (and enum names the enum does not define) instead of failing.
    public var ignoreUnknownFields = false
    /// Accept messages whose required fields are missing instead of failing.
    public var allowPartial = false
    /// How deeply messages may nest.
    public var recursionLimit = 100

    /// k6's choices: unknown fields are errors, required fields enforced.
    public init() {}

    /// k6's choices.
    public static let `default` = JSONDecodingOptions()

    /// Options with `configure` applied to the defaults.
    public static func with(_ configure: (inout JSONDecodingOptions) -> Void) -> JSONDecodingOptions {
        var options = JSONDecodingOptions()
        configure(&options)
        return options
    }
}
