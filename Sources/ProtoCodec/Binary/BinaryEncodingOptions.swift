/// Options for writing protobuf binary.
public struct BinaryEncodingOptions: Sendable {
    /// Write map entries sorted by key (numbers numerically, strings by UTF-8 bytes), so equal messages
    /// always give equal bytes. Otherwise entries keep their insertion (wire) order.
    public var deterministic = false
    /// Write messages whose required fields are missing instead of failing.
    public var allowPartial = false
    /// How deeply messages may nest; deeper ones could not be read back by protobuf runtimes.
    public var recursionLimit = 100

    /// The defaults: insertion order, required fields enforced, recursion limit 100.
    public init() {}

    /// The defaults.
    public static let `default` = BinaryEncodingOptions()
}

extension BinaryEncodingOptions {
    /// Options with `configure` applied to the defaults.
    public static func with(_ configure: (inout BinaryEncodingOptions) -> Void) -> BinaryEncodingOptions {
        var options = BinaryEncodingOptions()
        configure(&options)
        return options
    }
}
