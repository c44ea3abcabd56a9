/// A JSON document as a tree: what engine requests, recordings and proto3 JSON are made of.
///
/// Numbers keep their exact text (``JSONNumber``), so 64-bit integers survive; objects keep their keys
/// in order (``JSONObject``). Build values with literals:
///
/// ```swift
/// let request: JSONValue = ["name": "Ada", "ids": [1, 2], "limit": nil]
/// let text = request.jsonString(pretty: true)
/// let back = try JSONValue(parsing: text)
/// ```
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, exactly as written.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, members in order.
    case object(JSONObject)
}

extension JSONValue {
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }
    /// The payload of ``bool(_:)``, else nil.
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    /// The payload of ``string(_:)``, else nil.
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    /// The payload of ``number(_:)``, else nil.
    public var numberValue: JSONNumber? { if case .number(let v) = self { v } else { nil } }
    /// The number as a `Double`, else nil.
    public var doubleValue: Double? { numberValue?.doubleValue }
    /// The number as an `Int64` when it is an integer in range, else nil.
    public var int64Value: Int64? { numberValue?.int64Value }
    /// The payload of ``array(_:)``, else nil.
    public var arrayValue: [JSONValue]? { if case .array(let v) = self { v } else { nil } }
    /// The payload of ``object(_:)``, else nil.
    public var objectValue: JSONObject? { if case .object(let v) = self { v } else { nil } }

    /// The member `key` of an object (nil for other values and missing keys).
    public subscript(key: String) -> JSONValue? {
        get { objectValue?[key] }
        set {
            guard case .object(var object) = self else { return }
            self = .null
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The element at `index` of an array (nil for other values and out-of-range indices).
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let array) = self, array.indices.contains(index) else { return nil }
        return array[index]
    }

    /// The JSON type name, for messages: `null`, `boolean`, `number`, `string`, `array` or `object`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
