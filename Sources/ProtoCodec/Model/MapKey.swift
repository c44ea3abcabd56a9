/// A key of a protobuf map: an integer, a bool or a string (the key types protobuf allows).
public enum MapKey: Sendable, Hashable {
    /// A `bool` key.
    case bool(Bool)
    /// An `int32`, `sint32` or `sfixed32` key.
    case int32(Int32)
    /// An `int64`, `sint64` or `sfixed64` key.
    case int64(Int64)
    /// A `uint32` or `fixed32` key.
    case uint32(UInt32)
    /// A `uint64` or `fixed64` key.
    case uint64(UInt64)
    /// A `string` key.
    case string(String)

    /// The key as a ``Value`` (for the key field of the map entry).
    public var value: Value {
        switch self {
        case .bool(let v): .bool(v)
        case .int32(let v): .int32(v)
        case .int64(let v): .int64(v)
        case .uint32(let v): .uint32(v)
        case .uint64(let v): .uint64(v)
        case .string(let v): .string(v)
        }
    }

    /// The key a ``Value`` stands for, if it is of a key type.
    public init?(_ value: Value) {
        switch value {
        case .bool(let v): self = .bool(v)
        case .int32(let v): self = .int32(v)
        case .int64(let v): self = .int64(v)
        case .uint32(let v): self = .uint32(v)
        case .uint64(let v): self = .uint64(v)
        case .string(let v): self = .string(v)
        default: return nil
        }
    }

    /// The text of the key as proto3 JSON writes it (`"true"`, `"-3"`, the string itself).
    public var jsonText: String {
        switch self {
        case .bool(let v): v ? "true" : "false"
        case .int32(let v): String(v)
        case .int64(let v): String(v)
        case .uint32(let v): String(v)
        case .uint64(let v): String(v)
        case .string(let v): v
        }
    }

    /// The order deterministic serialization uses: numeric for numbers, `false` first, and strings by
    /// their UTF-8 bytes (as protobuf's C++ and upb runtimes sort them).
    public static func deterministicOrder(_ lhs: MapKey, _ rhs: MapKey) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): !a && b
        case (.int32(let a), .int32(let b)): a < b
        case (.int64(let a), .int64(let b)): a < b
        case (.uint32(let a), .uint32(let b)): a < b
        case (.uint64(let a), .uint64(let b)): a < b
        case (.string(let a), .string(let b)): a.utf8.lexicographicallyPrecedes(b.utf8)
        default: false
        }
    }
}
