import ProtoSchema
import SwiftProtobuf

/// A message descriptor compiled for the codec: fields flattened into ``FieldInfo``s, a slot per
/// field, a number-to-slot table, defaults, and the names JSON uses. Built once per registry.
///
/// The tables the decoder reads for every field are immutable `let`s or raw buffers, so reading them
/// costs neither reference counting nor exclusivity checks.
final class MessageLayout: @unchecked Sendable {
    let descriptor: MessageDescriptor
    unowned(unsafe) let registry: MessageRegistry
    let wellKnownType: WellKnownType?
    let isMapEntry: Bool
    /// Fields in declaration order; a field's position is its slot. Message links are filled in by
    /// ``link(_:)`` once every layout of the registry exists.
    let fields: UnsafeBufferPointer<FieldInfo>
    /// Slots in field-number order: the order fields are written in.
    let slotsByNumber: [Int]
    /// Number-to-slot table for numbers below 1024 (-1: no such field), a dictionary for the rest.
    private let denseSlots: UnsafeBufferPointer<Int32>
    private let sparseSlots: [Int32: Int]
    /// The member slots of each real (non-synthetic) oneof.
    let oneofSlots: [[Int]]
    let requiredSlots: [Int]
    /// Whether the pool defines extensions of this message.
    let mayHaveExtensions: Bool
    /// Whether this type or a type it contains (transitively) has required fields; set while the
    /// registry is built.
    var mayHaveRequiredFields = false
    /// Extensions of this message known to the registry's pool; set by ``link(_:)``.
    private(set) var extensions: [Int32: FieldInfo] = [:]
    /// What an unset singular scalar reads as (proto2 `[default = ...]` or the zero value).
    let defaults: [Value?]
    /// Slots by proto name and JSON name (both accepted when reading JSON).
    let slotsByName: [String: Int]
    /// JSON object keys, already quoted and followed by a colon: `"fieldName":`.
    let jsonKeys: [[UInt8]]
    let protoKeys: [[UInt8]]

    init(descriptor: MessageDescriptor, registry: MessageRegistry) throws {
        self.descriptor = descriptor
        self.registry = registry
        wellKnownType = descriptor.wellKnownType
        isMapEntry = descriptor.isMapEntry
        mayHaveExtensions = !descriptor.extensionsByNumber.isEmpty

        let descriptors = descriptor.fields
        var oneofIndex: [ObjectIdentifier: Int] = [:]
        var oneofSlots: [[Int]] = []
        for oneof in descriptor.oneofs where !oneof.isSynthetic {
            oneofIndex[ObjectIdentifier(oneof)] = oneofSlots.count
            oneofSlots.append([])
        }
        let table = UnsafeMutableBufferPointer<FieldInfo>.allocate(capacity: descriptors.count)
        var requiredSlots: [Int] = []
        var defaults: [Value?] = []
        var slotsByName: [String: Int] = [:]
        var jsonKeys: [[UInt8]] = []
        var protoKeys: [[UInt8]] = []
        for (slot, field) in descriptors.enumerated() {
            let oneof = field.realOneof.flatMap { oneofIndex[ObjectIdentifier($0)] } ?? -1
            let info = FieldInfo(field, slot: slot, oneof: oneof, messageLayout: nil)
            (table.baseAddress! + slot).initialize(to: info)
            if oneof >= 0 { oneofSlots[oneof].append(slot) }
            if info.flags.contains(.required) { requiredSlots.append(slot) }
            do {
                defaults.append(try Self.defaultValue(of: info))
            } catch {
                table.deallocate()
                throw error
            }
            slotsByName[field.name] = slot
            jsonKeys.append(Self.quotedKey(field.jsonName))
            // protojson (k6) names a group by its message type when writing proto names.
            let groupName = field.type == .group && field.proto.type == .group ? field.messageType?.name : nil
            protoKeys.append(Self.quotedKey(groupName ?? field.name))
        }
        for (slot, field) in descriptors.enumerated() where slotsByName[field.jsonName] == nil {
            slotsByName[field.jsonName] = slot
        }
        for (slot, field) in descriptors.enumerated() where field.proto.type == .group {
            if let name = field.messageType?.name, slotsByName[name] == nil { slotsByName[name] = slot }
        }
        fields = UnsafeBufferPointer(table)
        slotsByNumber = descriptors.indices.sorted { descriptors[$0].number < descriptors[$1].number }
        let maxDense = descriptors.lazy.map(\.number).filter { $0 >= 0 && $0 < 1024 }.max() ?? -1
        let dense = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Int(maxDense) + 1)
        dense.initialize(repeating: -1)
        var sparse: [Int32: Int] = [:]
        for (slot, field) in descriptors.enumerated() {
            if field.number >= 0, field.number < 1024 {
                dense[Int(field.number)] = Int32(slot)
            } else {
                sparse[field.number] = slot
            }
        }
        denseSlots = UnsafeBufferPointer(dense)
        sparseSlots = sparse
        self.oneofSlots = oneofSlots
        self.requiredSlots = requiredSlots
        self.defaults = defaults
        self.slotsByName = slotsByName
        self.jsonKeys = jsonKeys
        self.protoKeys = protoKeys
    }

    deinit {
        fields.deallocate()
        denseSlots.deallocate()
    }

    var fullName: String { descriptor.fullName }

    /// Second phase of building: every layout of the registry exists, so message fields can link.
    func link(_ layoutOf: (MessageDescriptor) -> MessageLayout?) {
        let table = UnsafeMutableBufferPointer(mutating: fields)
        for (slot, field) in descriptor.fields.enumerated() where field.messageType != nil {
            let old = table[slot]
            table[slot] = FieldInfo(
                field, slot: slot, oneof: old.oneof, messageLayout: field.messageType.flatMap(layoutOf))
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
