import ProtoSchema

/// The ``Value`` case a field's values take, derived from its protobuf type.
enum ValueKind: UInt8, Sendable {
    case bool, int32, int64, uint32, uint64, float, double, string, bytes, enumNumber, message

    init(_ type: FieldType) {
        switch type {
        case .double: self = .double
        case .float: self = .float
        case .int64, .sint64, .sfixed64: self = .int64
        case .uint64, .fixed64: self = .uint64
        case .int32, .sint32, .sfixed32: self = .int32
        case .uint32, .fixed32: self = .uint32
        case .bool: self = .bool
        case .string: self = .string
        case .bytes: self = .bytes
        case .enum: self = .enumNumber
        case .message, .group: self = .message
        }
    }

    /// An empty list of this kind.
    var emptyList: RepeatedValue {
        switch self {
        case .bool: .bools([])
        case .int32: .int32s([])
        case .int64: .int64s([])
        case .uint32: .uint32s([])
        case .uint64: .uint64s([])
        case .float: .floats([])
        case .double: .doubles([])
        case .string: .strings([])
        case .bytes: .bytes([])
        case .enumNumber: .enums([])
        case .message: .messages([])
        }
    }

    /// The zero value of a scalar of this kind (nil for messages).
    var zero: Value? {
        switch self {
        case .bool: .bool(false)
        case .int32: .int32(0)
        case .int64: .int64(0)
        case .uint32: .uint32(0)
        case .uint64: .uint64(0)
        case .float: .float(0)
        case .double: .double(0)
        case .string: .string("")
        case .bytes: .bytes([])
        case .enumNumber: .enumNumber(0)
        case .message: nil
        }
    }

    /// Whether `value` is a single value of this kind.
    func matches(_ value: Value) -> Bool {
        switch (self, value) {
        case (.bool, .bool), (.int32, .int32), (.int64, .int64), (.uint32, .uint32), (.uint64, .uint64),
            (.float, .float), (.double, .double), (.string, .string), (.bytes, .bytes), (.enumNumber, .enumNumber),
            (.message, .message):
            true
        default:
            false
        }
    }

    /// Whether `list` holds elements of this kind (an empty list of any kind is accepted).
    func matches(_ list: RepeatedValue) -> Bool {
        if list.isEmpty { return true }
        return switch (self, list) {
        case (.bool, .bools), (.int32, .int32s), (.int64, .int64s), (.uint32, .uint32s), (.uint64, .uint64s),
            (.float, .floats), (.double, .doubles), (.string, .strings), (.bytes, .bytes), (.enumNumber, .enums),
            (.message, .messages):
            true
        default:
            false
        }
    }

    /// The name of the Swift case, for error messages.
    var caseName: String {
        switch self {
        case .enumNumber: "enumNumber"
        default: "\(self)"
        }
    }
}
