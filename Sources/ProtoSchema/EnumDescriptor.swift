import SwiftProtobuf

/// An enum type, with its values by name and by number.
public final class EnumDescriptor: @unchecked Sendable {
    public let proto: Google_Protobuf_EnumDescriptorProto
    public let fullName: String
    public var name: String { proto.name }
    public unowned let file: FileDescriptor
    public internal(set) unowned var parent: MessageDescriptor?
    /// Values in declaration order (aliases included).
    public let values: [EnumValueDescriptor]
    /// A closed enum (proto2, or editions' `enum_type = CLOSED`) treats unknown numbers as unknown
    /// fields; an open one keeps them as values.
    public let isClosed: Bool
    private let byNumber: [Int32: EnumValueDescriptor]
    private let byName: [String: EnumValueDescriptor]

    init(proto: Google_Protobuf_EnumDescriptorProto, fullName: String, file: FileDescriptor, features: ResolvedFeatures)
    {
        self.proto = proto
        self.fullName = fullName
        self.file = file
        let resolved = features.merging(proto.options.features)
        self.isClosed = resolved.enumType == .closed
        let values = proto.value.map { EnumValueDescriptor(name: $0.name, number: $0.number) }
        self.values = values
        var byNumber: [Int32: EnumValueDescriptor] = [:]
        var byName: [String: EnumValueDescriptor] = [:]
        for value in values {
            if byNumber[value.number] == nil { byNumber[value.number] = value }  // first name wins for aliases
            byName[value.name] = value
        }
        self.byNumber = byNumber
        self.byName = byName
    }

    /// The first declared value with this number (the canonical name when aliases exist).
    public func value(number: Int32) -> EnumValueDescriptor? { byNumber[number] }
    public func value(named name: String) -> EnumValueDescriptor? { byName[name] }
    /// The value a field of this enum defaults to: the first declared one.
    public var defaultValue: EnumValueDescriptor? { values.first }
}

/// One named value of an enum.
public struct EnumValueDescriptor: Hashable, Sendable {
    public let name: String
    public let number: Int32
}
