import SwiftProtobuf

/// A message type with its fields resolved to types, ready for dynamic encoding and decoding.
public final class MessageDescriptor: @unchecked Sendable {
    public let proto: Google_Protobuf_DescriptorProto
    /// The full name without a leading dot: `pkg.Outer.Inner`.
    public let fullName: String
    public var name: String { proto.name }
    public unowned let file: FileDescriptor
    /// The enclosing message for nested types.
    public internal(set) unowned var parent: MessageDescriptor?
    /// Fields in declaration order.
    public internal(set) var fields: [FieldDescriptor] = []
    public internal(set) var oneofs: [OneofDescriptor] = []
    /// Oneofs written by the user, without proto3 `optional`'s synthetic ones.
    public var realOneofs: [OneofDescriptor] { oneofs.filter { !$0.isSynthetic } }
    public internal(set) var nestedMessages: [MessageDescriptor] = []
    public internal(set) var nestedEnums: [EnumDescriptor] = []
    /// Extensions declared inside this message (they may extend any message).
    public internal(set) var nestedExtensions: [FieldDescriptor] = []
    /// Extensions of this message known to the pool, by field number.
    public internal(set) var extensionsByNumber: [Int32: FieldDescriptor] = [:]
    /// The well-known type this message is, if any; those have special JSON forms.
    public let wellKnownType: WellKnownType?
    public var isMapEntry: Bool { proto.options.mapEntry }
    let features: ResolvedFeatures

    /// Fields by number: a dense table for small numbers, a dictionary for the rest.
    private var denseFields: [FieldDescriptor?] = []
    private var sparseFields: [Int32: FieldDescriptor] = [:]
    /// Fields by proto name and by JSON name (both accepted when parsing JSON).
    public internal(set) var fieldsByName: [String: FieldDescriptor] = [:]

    init(proto: Google_Protobuf_DescriptorProto, fullName: String, file: FileDescriptor, features: ResolvedFeatures) {
        self.proto = proto
        self.fullName = fullName
        self.file = file
        self.features = features
        self.wellKnownType = WellKnownType(fullName: fullName)
    }

    /// The field with this number, or nil (extensions are in ``extensionsByNumber``).
    @inlinable
    public func field(number: Int32) -> FieldDescriptor? {
        lookup(number)
    }

    @usableFromInline
    func lookup(_ number: Int32) -> FieldDescriptor? {
        if number >= 0, Int(number) < denseFields.count { return denseFields[Int(number)] }
        return sparseFields[number]
    }

    /// The field with this proto name or JSON name.
    public func field(named name: String) -> FieldDescriptor? { fieldsByName[name] }

    /// The key and value fields of a map entry message.
    public var mapKeyField: FieldDescriptor? { isMapEntry ? lookup(1) : nil }
    public var mapValueField: FieldDescriptor? { isMapEntry ? lookup(2) : nil }

    /// Whether `number` falls in one of the declared extension ranges.
    public func isExtensionNumber(_ number: Int32) -> Bool {
        proto.extensionRange.contains { number >= $0.start && number < $0.end }
    }

    func indexFields() {
        let maxDense: Int32 = 256
        let top = fields.lazy.map(\.number).filter { $0 < maxDense }.max() ?? -1
        denseFields = Array(repeating: nil, count: Int(top) + 1)
        for field in fields {
            if field.number >= 0, field.number < maxDense {
                denseFields[Int(field.number)] = field
            } else {
                sparseFields[field.number] = field
            }
            fieldsByName[field.name] = field
        }
        for field in fields where fieldsByName[field.jsonName] == nil {
            fieldsByName[field.jsonName] = field
        }
    }
}

/// The well-known types whose proto3 JSON form is special.
public enum WellKnownType: String, Sendable, CaseIterable {
    case any = "google.protobuf.Any"
    case timestamp = "google.protobuf.Timestamp"
    case duration = "google.protobuf.Duration"
    case fieldMask = "google.protobuf.FieldMask"
    case `struct` = "google.protobuf.Struct"
    case value = "google.protobuf.Value"
    case listValue = "google.protobuf.ListValue"
    case empty = "google.protobuf.Empty"
    case doubleValue = "google.protobuf.DoubleValue"
    case floatValue = "google.protobuf.FloatValue"
    case int64Value = "google.protobuf.Int64Value"
    case uint64Value = "google.protobuf.UInt64Value"
    case int32Value = "google.protobuf.Int32Value"
    case uint32Value = "google.protobuf.UInt32Value"
    case boolValue = "google.protobuf.BoolValue"
    case stringValue = "google.protobuf.StringValue"
    case bytesValue = "google.protobuf.BytesValue"

    public init?(fullName: String) { self.init(rawValue: fullName) }

    /// Whether this is one of the nine wrapper types, whose JSON form is the bare value.
    public var isWrapper: Bool {
        switch self {
        case .doubleValue, .floatValue, .int64Value, .uint64Value, .int32Value, .uint32Value, .boolValue,
            .stringValue, .bytesValue:
            true
        default:
            false
        }
    }
}
