import ProtoSchema

/// What the codec needs to know about one field, flattened from its descriptor into a trivial struct
/// (no reference counting when copied) so the hot loops read it cheaply.
struct FieldInfo: @unchecked Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        static let repeated = Flags(rawValue: 1 << 0)
        static let packed = Flags(rawValue: 1 << 1)
        static let map = Flags(rawValue: 1 << 2)
        static let validatesUTF8 = Flags(rawValue: 1 << 3)
        static let hasPresence = Flags(rawValue: 1 << 4)
        static let required = Flags(rawValue: 1 << 5)
        static let closedEnum = Flags(rawValue: 1 << 6)
        static let isExtension = Flags(rawValue: 1 << 7)
        static let packable = Flags(rawValue: 1 << 8)
        /// A proto2 (syntax) singular scalar: k6's JSON writes `null` for it when unset.
        static let proto2Scalar = Flags(rawValue: 1 << 9)
    }

    let number: Int32
    let type: FieldType
    let kind: ValueKind
    let flags: Flags
    /// The index of the value in the message's storage; -1 for extensions.
    let slot: Int
    /// The index of the real oneof in ``MessageLayout/oneofSlots``, or -1.
    let oneof: Int
    /// The key of one element written unpacked (`number << 3 | wire type`).
    let tag: UInt32
    /// The key of the field written length-delimited (packed runs, strings, messages).
    let lengthTag: UInt32
    unowned(unsafe) let descriptor: FieldDescriptor
    /// The message type of message, group and map fields (for maps: the entry type).
    unowned(unsafe) let messageLayout: MessageLayout?
    unowned(unsafe) let enumType: EnumDescriptor?

    init(_ field: FieldDescriptor, slot: Int, oneof: Int, messageLayout: MessageLayout?) {
        number = field.number
        type = field.type
        kind = ValueKind(field.type)
        self.slot = slot
        self.oneof = oneof
        descriptor = field
        self.messageLayout = messageLayout
        enumType = field.enumType
        var flags: Flags = []
        if field.isRepeated { flags.insert(.repeated) }
        if field.isPacked { flags.insert(.packed) }
        if field.isMap { flags.insert(.map) }
        if field.validatesUTF8 { flags.insert(.validatesUTF8) }
        if field.hasPresence { flags.insert(.hasPresence) }
        if field.isRequired { flags.insert(.required) }
        if field.enumType?.isClosed == true { flags.insert(.closedEnum) }
        if field.isExtension { flags.insert(.isExtension) }
        if field.isRepeated && field.type.isPackable { flags.insert(.packable) }
        // Unset extensions are never written to JSON, so only regular fields need this.
        if !field.isRepeated, !field.isExtension, field.type != .message, field.type != .group,
            field.containingType?.file.syntax == .proto2
        {
            flags.insert(.proto2Scalar)
        }
        self.flags = flags
        tag = UInt32(bitPattern: field.number) << 3 | UInt32(field.type.wireType.rawValue)
        lengthTag = UInt32(bitPattern: field.number) << 3 | 2
    }

    @inline(__always) var isRepeated: Bool { flags.contains(.repeated) }
    @inline(__always) var isMap: Bool { flags.contains(.map) }
    @inline(__always) var hasPresence: Bool { flags.contains(.hasPresence) }

    /// The tag of the group's closing END_GROUP key.
    var endGroupTag: UInt32 { UInt32(bitPattern: number) << 3 | 4 }

    /// The full name of the field, for messages.
    var name: String { descriptor.name }
}
