import SwiftProtobuf

/// What the option machinery needs to know about a linked field: its cardinality and encoding.
extension FieldNode {
    var isExtension: Bool { extendee != nil }
    var isRepeated: Bool { label == .repeated }

    var isRequired: Bool {
        label == .required || (!isRepeated && features.fieldPresence == .legacyRequired)
    }

    var isMessageLike: Bool { resolvedType == .message || resolvedType == .group }

    /// Whether a message value is written as a group: proto2 groups and editions' DELIMITED encoding.
    var isDelimited: Bool {
        if resolvedType == .group { return true }
        return resolvedType == .message && features.messageEncoding == .delimited
            && messageType?.isMapEntry != true
    }

    /// Numeric scalars, bools and enums, which repeated fields may pack.
    var isPackable: Bool {
        switch resolvedType {
        case .string, .bytes, .message, .group: false
        default: isRepeated
        }
    }

    var isPacked: Bool { isPackable && features.repeatedFieldEncoding == .packed }

    /// Whether an unset value is distinguishable from the default (else zero values are not written).
    var hasPresence: Bool {
        if isRepeated { return false }
        if isMessageLike || oneofIndex != nil || isExtension || proto3Optional { return true }
        return features.fieldPresence != .implicit
    }

    /// The wire type of one scalar value: 0 varint, 1 fixed64, 5 fixed32, 2 length-delimited.
    var scalarWireType: Int {
        switch resolvedType {
        case .double, .fixed64, .sfixed64: 1
        case .float, .fixed32, .sfixed32: 5
        case .string, .bytes, .message: 2
        case .group: 3
        default: 0
        }
    }

    /// protoc's `ToJsonName`: drop underscores and upper-case the letter after each.
    static func jsonName(_ name: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(name.utf8.count)
        var upperNext = false
        for byte in name.utf8 {
            if byte == UInt8(ascii: "_") {
                upperNext = true
            } else if upperNext {
                result.append(byte >= 0x61 && byte <= 0x7A ? byte - 32 : byte)
                upperNext = false
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
