/// The elements of a repeated field, kept as a typed array so lists of scalars stay compact.
public enum RepeatedValue: Sendable, Equatable {
    /// Elements of a repeated field whose values are ``Value/bool(_:)``.
    case bools([Bool])
    /// Elements of a repeated field whose values are ``Value/int32(_:)``.
    case int32s([Int32])
    /// Elements of a repeated field whose values are ``Value/int64(_:)``.
    case int64s([Int64])
    /// Elements of a repeated field whose values are ``Value/uint32(_:)``.
    case uint32s([UInt32])
    /// Elements of a repeated field whose values are ``Value/uint64(_:)``.
    case uint64s([UInt64])
    /// Elements of a repeated field whose values are ``Value/float(_:)``.
    case floats([Float])
    /// Elements of a repeated field whose values are ``Value/double(_:)``.
    case doubles([Double])
    /// Elements of a repeated field whose values are ``Value/string(_:)``.
    case strings([String])
    /// Elements of a repeated field whose values are ``Value/bytes(_:)``.
    case bytes([[UInt8]])
    /// Elements of a repeated field whose values are ``Value/enumNumber(_:)``.
    case enums([Int32])
    /// Elements of a repeated field whose values are ``Value/message(_:)``.
    case messages([DynamicMessage])

    /// The number of elements.
    public var count: Int {
        switch self {
        case .bools(let a): a.count
        case .int32s(let a): a.count
        case .int64s(let a): a.count
        case .uint32s(let a): a.count
        case .uint64s(let a): a.count
        case .floats(let a): a.count
        case .doubles(let a): a.count
        case .strings(let a): a.count
        case .bytes(let a): a.count
        case .enums(let a): a.count
        case .messages(let a): a.count
        }
    }

    /// Whether there are no elements.
    public var isEmpty: Bool { count == 0 }

    /// The element at `index` as a ``Value``.
    public subscript(index: Int) -> Value {
        switch self {
        case .bools(let a): .bool(a[index])
        case .int32s(let a): .int32(a[index])
        case .int64s(let a): .int64(a[index])
        case .uint32s(let a): .uint32(a[index])
        case .uint64s(let a): .uint64(a[index])
        case .floats(let a): .float(a[index])
        case .doubles(let a): .double(a[index])
        case .strings(let a): .string(a[index])
        case .bytes(let a): .bytes(a[index])
        case .enums(let a): .enumNumber(a[index])
        case .messages(let a): .message(a[index])
        }
    }

    /// The elements as ``Value``s.
    public var values: [Value] { (0..<count).map { self[$0] } }

    /// Lists compare element by element; floats by bit pattern, as ``Value`` does.
    public static func == (lhs: RepeatedValue, rhs: RepeatedValue) -> Bool {
        switch (lhs, rhs) {
        case (.bools(let a), .bools(let b)): a == b
        case (.int32s(let a), .int32s(let b)): a == b
        case (.int64s(let a), .int64s(let b)): a == b
        case (.uint32s(let a), .uint32s(let b)): a == b
        case (.uint64s(let a), .uint64s(let b)): a == b
        case (.floats(let a), .floats(let b)): a.elementsEqual(b) { $0.bitPattern == $1.bitPattern }
        case (.doubles(let a), .doubles(let b)): a.elementsEqual(b) { $0.bitPattern == $1.bitPattern }
        case (.strings(let a), .strings(let b)): a.elementsEqual(b) { $0.utf8.elementsEqual($1.utf8) }
        case (.bytes(let a), .bytes(let b)): a == b
        case (.enums(let a), .enums(let b)): a == b
        case (.messages(let a), .messages(let b)): a == b
        default: lhs.isEmpty && rhs.isEmpty
        }
    }
}
