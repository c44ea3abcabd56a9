import SwiftProtobuf

/// A field of a message, or an extension, with its type and encoding resolved.
public final class FieldDescriptor: @unchecked Sendable {
    public let proto: Google_Protobuf_FieldDescriptorProto
    public var name: String { proto.name }
    public let number: Int32
    /// The proto3 JSON name: `json_name` when given, otherwise the lowerCamelCase form of `name`.
    public let jsonName: String
    /// `pkg.Message.field`, or for extensions `pkg.scope.extension_name`.
    public let fullName: String
    /// The value type. Message fields encoded as delimited (proto2 groups, or editions'
    /// `message_encoding = DELIMITED`) are ``FieldType/group``.
    public internal(set) var type: FieldType
    public let isRepeated: Bool
    public internal(set) var isRequired = false
    /// Repeated scalars written as one length-delimited run (either form is accepted on input).
    public internal(set) var isPacked = false
    /// Whether "unset" is distinguishable from the default: messages, oneof members, proto2 and
    /// proto3 `optional` fields, and editions' `EXPLICIT` presence.
    public internal(set) var hasPresence = false
    /// Strings are checked for valid UTF-8 (proto3 and editions' `VERIFY`).
    public internal(set) var validatesUTF8 = false
    public internal(set) var isMap = false
    public let isExtension: Bool
    /// The message this field belongs to; for an extension, the message it extends.
    public internal(set) unowned var containingType: MessageDescriptor?
    /// For an extension declared inside a message, that message.
    public internal(set) unowned var extensionScope: MessageDescriptor?
    public internal(set) unowned var messageType: MessageDescriptor?
    public internal(set) unowned var enumType: EnumDescriptor?
    public internal(set) unowned var oneof: OneofDescriptor?
    /// The `[default = ...]` text as written in the descriptor, if any.
    public var defaultValueText: String? { proto.hasDefaultValue ? proto.defaultValue : nil }
    /// The wire type of one element as written unpacked.
    public internal(set) var wireType: WireType = .varint

    init(proto: Google_Protobuf_FieldDescriptorProto, fullName: String, isExtension: Bool) {
        self.proto = proto
        self.number = proto.number
        self.fullName = fullName
        self.isExtension = isExtension
        self.jsonName = proto.hasJsonName ? proto.jsonName : Self.jsonName(of: proto.name)
        self.isRepeated = proto.label == .repeated
        self.type = FieldType(proto.type)
    }

    /// The oneof this field belongs to, unless it is proto3 `optional`'s synthetic one.
    public var realOneof: OneofDescriptor? {
        guard let oneof, !oneof.isSynthetic else { return nil }
        return oneof
    }

    /// protoc's `ToJsonName`: drop underscores and upper-case the letter after each.
    public static func jsonName(of name: String) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count)
        var upperNext = false
        for character in name {
            if character == "_" {
                upperNext = true
            } else if upperNext {
                result += character.uppercased()
                upperNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Field value types, as in `FieldDescriptorProto.Type`.
public enum FieldType: UInt8, Sendable, CaseIterable {
    case double = 1
    case float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes, uint32,
        `enum`, sfixed32, sfixed64, sint32, sint64

    init(_ type: Google_Protobuf_FieldDescriptorProto.TypeEnum) {
        self = FieldType(rawValue: UInt8(clamping: type.rawValue)) ?? .message
    }

    /// Whether repeated values of this type may be packed (numeric scalars, bools and enums).
    public var isPackable: Bool {
        switch self {
        case .string, .bytes, .message, .group: false
        default: true
        }
    }

    /// The wire type a single value of this type is written with.
    public var wireType: WireType {
        switch self {
        case .double, .fixed64, .sfixed64: .fixed64
        case .float, .fixed32, .sfixed32: .fixed32
        case .string, .bytes, .message: .lengthDelimited
        case .group: .startGroup
        default: .varint
        }
    }
}

/// The protobuf wire types.
public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// A `oneof` group of fields.
public final class OneofDescriptor: @unchecked Sendable {
    public let proto: Google_Protobuf_OneofDescriptorProto
    public var name: String { proto.name }
    public unowned let containingType: MessageDescriptor
    public internal(set) var fields: [FieldDescriptor] = []
    /// The oneof protoc makes for a proto3 `optional` field; invisible in JSON and APIs.
    public internal(set) var isSynthetic = false
    let features: ResolvedFeatures

    init(proto: Google_Protobuf_OneofDescriptorProto, containingType: MessageDescriptor, features: ResolvedFeatures) {
        self.proto = proto
        self.containingType = containingType
        self.features = features
    }
}
