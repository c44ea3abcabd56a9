/// One field value of a ``DynamicMessage``: a scalar, a message, a repeated field or a map.
///
/// Each protobuf type has one case: `int32`, `sint32` and `sfixed32` are ``int32(_:)``; `uint32` and
/// `fixed32` are ``uint32(_:)``; the 64-bit types likewise; enums are ``enumNumber(_:)`` (the number,
/// so values unknown to an open enum survive). Repeated fields are ``list(_:)`` with a typed array, and
/// map fields ``map(_:)``.
public enum Value: Sendable {
    /// `bool`.
    case bool(Bool)
    /// `int32`, `sint32` and `sfixed32`.
    case int32(Int32)
    /// `int64`, `sint64` and `sfixed64`.
    case int64(Int64)
    /// `uint32` and `fixed32`.
    case uint32(UInt32)
    /// `uint64` and `fixed64`.
    case uint64(UInt64)
    /// `float`.
    case float(Float)
    /// `double`.
    case double(Double)
    /// `string`.
    case string(String)
    /// `bytes`.
    case bytes([UInt8])
    /// An enum value, by number (names are in the field's `enumType`).
    case enumNumber(Int32)
    /// A message or group.
    case message(DynamicMessage)
    /// A repeated field's elements.
    case list(RepeatedValue)
    /// A map field's entries.
    case map(MapValue)
}

extension Value: Equatable {
    /// Values are equal when they would encode to the same bytes: floats compare by bit pattern, so
    /// `NaN == NaN` and `-0.0 != 0.0`.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): a == b
        case (.int32(let a), .int32(let b)): a == b
        case (.int64(let a), .int64(let b)): a == b
        case (.uint32(let a), .uint32(let b)): a == b
        case (.uint64(let a), .uint64(let b)): a == b
        case (.float(let a), .float(let b)): a.bitPattern == b.bitPattern
        case (.double(let a), .double(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.bytes(let a), .bytes(let b)): a == b
        case (.enumNumber(let a), .enumNumber(let b)): a == b
        case (.message(let a), .message(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)): a == b
        default: false
        }
    }
}

extension Value {
    /// The payload of ``bool(_:)``, else nil.
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    /// The payload of ``string(_:)``, else nil.
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    /// The payload of ``bytes(_:)``, else nil.
    public var bytesValue: [UInt8]? { if case .bytes(let v) = self { v } else { nil } }
    /// The payload of ``message(_:)``, else nil.
    public var messageValue: DynamicMessage? { if case .message(let v) = self { v } else { nil } }
    /// The payload of ``list(_:)``, else nil.
    public var listValue: RepeatedValue? { if case .list(let v) = self { v } else { nil } }
    /// The payload of ``map(_:)``, else nil.
    public var mapValue: MapValue? { if case .map(let v) = self { v } else { nil } }

    /// Any integer or enum payload widened to `Int64` (nil for other cases and for `uint64` values
    /// above `Int64.max`).
    public var int64Value: Int64? {
        switch self {
        case .int32(let v): Int64(v)
        case .int64(let v): v
        case .uint32(let v): Int64(v)
        case .uint64(let v): Int64(exactly: v)
        case .enumNumber(let v): Int64(v)
        default: nil
        }
    }

    /// A `float` or `double` payload as `Double`, else nil.
    public var doubleValue: Double? {
        switch self {
        case .float(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }
}
