/// Options for reading protobuf binary.
public struct BinaryDecodingOptions: Sendable {
    /// Accept messages whose required fields are missing (proto2 `required`, editions
    /// `LEGACY_REQUIRED`) instead of failing.
    public var allowPartial = false
    /// How deeply messages and groups may nest; protobuf's runtimes use 100.
    public var recursionLimit = 100
    /// Drop fields the schema does not know instead of keeping their bytes.
    public var discardUnknownFields = false

    /// The defaults: required fields enforced, recursion limit 100, unknown fields kept.
    public init() {}

    /// The defaults.
    public static let `default` = BinaryDecodingOptions()
}

extension BinaryDecodingOptions {
    /// Options with `configure` applied to the defaults.
    public static func with(_ configure: (inout BinaryDecodingOptions) -> Void) -> BinaryDecodingOptions {
        var options = BinaryDecodingOptions()
        configure(&options)
        return options
    }
}
