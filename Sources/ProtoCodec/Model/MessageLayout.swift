import ProtoSchema
import SwiftProtobuf

/// A message descriptor compiled for the codec: fields flattened into ``FieldInfo``s, a slot per
/// field, a number-to-slot table, defaults, and the names JSON uses. Built once per registry.
final class MessageLayout: @unchecked Sendable {
    let descriptor: MessageDescriptor
    unowned(unsafe) let registry: MessageRegistry
    let wellKnownType: WellKnownType?
    let isMapEntry: Bool
    /// Fields in declaration order; a field's position is its slot.
    private(set) var fields: [FieldInfo] = []
    /// Slots in field-number order: the order fields are written in.
    private(set) var slotsByNumber: [Int] = []
    /// Number-to-slot table for small numbers (-1: no such field), a dictionary for the rest.
    private var denseSlots: [Int32] = []
    private var sparseSlots: [Int32: Int] = [:]
    /// The member slots of each real (non-synthetic) oneof.
    private(set) var oneofSlots: [[Int]] = []
    private(set) var requiredSlots: [Int] = []
    /// Whether this type or a type it contains (transitively) has required fields.
    var mayHaveRequiredFields = false
    /// Extensions of this message known to the registry's pool.
    private(set) var extensions: [Int32: FieldInfo] = [:]
    /// What an unset singular scalar reads as (proto2 `[default = ...]` or the zero value).
    private(set) var defaults: [Value?] = []
    /// Slots by proto name and JSON name (both accepted when reading JSON).
    private(set) var slotsByName: [String: Int] = [:]
    /// JSON object keys, already quoted and followed by a colon: `"fieldName":`.
    private(set) var jsonKeys: [[UInt8]] = []
    private(set) var protoKeys: [[UInt8]] = []

    init(descriptor: MessageDescriptor, registry: MessageRegistry) {
        self.descriptor = descriptor
        self.registry = registry
        wellKnownType = descriptor.wellKnownType
        isMapEntry = descriptor.isMapEntry
    }

    var fullName: String { descriptor.fullName }

    /// Second phase of building: every layout of the registry exists, so message fields can link.
    func link(_ layoutOf: (MessageDescriptor) -> MessageLayout?) throws {
        var oneofIndex: [ObjectIdentifier: Int] = [:]
        for oneof in descriptor.oneofs where !oneof.isSynthetic {
            oneofIndex[ObjectIdentifier(oneof)] = oneofSlots.count
            oneofSlots.append([])
        }
        for (slot, field) in descriptor.fields.enumerated() {
            let oneof = field.realOneof.flatMap { oneofIndex[ObjectIdentifier($0)] } ?? -1
            let info = FieldInfo(field, slot: slot, oneof: oneof, messageLayout: field.messageType.flatMap(layoutOf))
            fields.append(info)
            if oneof >= 0 { oneofSlots[oneof].append(slot) }
            if info.flags.contains(.required) { requiredSlots.append(slot) }
            defaults.append(try Self.defaultValue(of: info))
            slotsByName[field.name] = slot
            jsonKeys.append(Self.quotedKey(field.jsonName))
            // protojson (k6) names a group by its message type when writing proto names.
            let groupName = field.type == .group && field.proto.type == .group ? field.messageType?.name : nil
            protoKeys.append(Self.quotedKey(groupName ?? field.name))
        }
        for (slot, field) in descriptor.fields.enumerated() where slotsByName[field.jsonName] == nil {
            slotsByName[field.jsonName] = slot
        }
        for (slot, field) in descriptor.fields.enumerated() where field.proto.type == .group {
            if let name = field.messageType?.name, slotsByName[name] == nil { slotsByName[name] = slot }
        }
        slotsByNumber = fields.indices.sorted { fields[$0].number < fields[$1].number }
        let maxDense = fields.lazy.map(\.number).filter { $0 < 1024 }.max() ?? -1
        denseSlots = Array(repeating: -1, count: Int(maxDense) + 1)
        for info in fields {
            if info.number >= 0, info.number < 1024 {
                denseSlots[Int(info.number)] = Int32(info.slot)
            } else {
                sparseSlots[info.number] = info.slot
            }
        }
        for (number, field) in descriptor.extensionsByNumber {
            extensions[number] = FieldInfo(
                field, slot: -1, oneof: -1, messageLayout: field.messageType.flatMap(layoutOf))
        }
    }

    /// The slot of the field with this number, or -1.
    @inline(__always)
    func slot(forNumber number: Int32) -> Int {
        if number >= 0, Int(number) < denseSlots.count { return Int(denseSlots[Int(number)]) }
        return sparseSlots[number] ?? -1
    }

    /// The field info for this descriptor (a field of this message or one of its extensions).
    func info(for field: FieldDescriptor) -> FieldInfo? {
        if field.isExtension {
            guard let info = extensions[field.number], info.descriptor === field else { return nil }
            return info
        }
        let slot = slot(forNumber: field.number)
        guard slot >= 0, fields[slot].descriptor === field else { return nil }
        return fields[slot]
    }

    private static func quotedKey(_ name: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.writeString(name)
        writer.writeByte(UInt8(ascii: ":"))
        return writer.bytes
    }

    private static func defaultValue(of info: FieldInfo) throws -> Value? {
        guard !info.isRepeated, info.kind != .message else { return nil }
        guard let text = info.descriptor.defaultValueText else {
            if info.kind == .enumNumber, let first = info.enumType?.defaultValue {
                return .enumNumber(first.number)
            }
            return info.kind.zero
        }
        return try DefaultValueParser.parse(text, for: info)
    }
}
