import ProtoSchema

/// A protobuf message of a type known only at run time, with its field values, unknown fields and
/// extensions. A value type: copies are cheap and copy on write.
///
/// Read and write fields through ``subscript(_:)-(FieldDescriptor)`` or by name. Setting a value of the
/// wrong kind for a field is a programming error and traps.
public struct DynamicMessage: @unchecked Sendable {
    var storage: MessageStorage

    /// An empty message of `type`.
    public init(type: MessageType) {
        storage = MessageStorage.make(type: type)
    }

    init(storage: MessageStorage) {
        self.storage = storage
    }

    /// The type of this message.
    public var type: MessageType { storage.type }
    /// The descriptor of this message's type.
    public var descriptor: MessageDescriptor { storage.layout.descriptor }
    @inline(__always) var layout: MessageLayout { storage.layout }

    /// Fields the schema does not know, as the raw wire bytes they were read from; written back
    /// unchanged after the known fields.
    public var unknownFields: [UInt8] {
        get { storage.unknownFields }
        set {
            makeUnique()
            storage.unknownFields = newValue
        }
    }

    // MARK: Fields

    /// The value of `field` (a field of this type or one of its extensions), nil when unset.
    ///
    /// Setting nil clears the field; setting a member of a oneof clears the other members. Fields
    /// without presence read as unset when they hold their zero value, and empty lists and maps read
    /// as unset.
    public subscript(field: FieldDescriptor) -> Value? {
        get {
            guard let info = layout.info(for: field) else { fieldNotInType(field) }
            return self[info]
        }
        set {
            guard let info = layout.info(for: field) else { fieldNotInType(field) }
            if let newValue, let problem = layout.problem(with: newValue, for: info) {
                preconditionFailure("\(field.fullName): \(problem)")
            }
            self[info] = newValue
        }
    }

    /// The value of the field with this proto or JSON name, nil when unset. Traps on unknown names.
    public subscript(name: String) -> Value? {
        get {
            guard let slot = layout.slotsByName[name] else { noSuchField(name) }
            return self[layout.fields[slot]]
        }
        set {
            guard let slot = layout.slotsByName[name] else { noSuchField(name) }
            self[layout.fields[slot].descriptor] = newValue
        }
    }

    /// Whether `field` is set.
    public func has(_ field: FieldDescriptor) -> Bool { self[field] != nil }

    /// Clears `field`.
    public mutating func clear(_ field: FieldDescriptor) { self[field] = nil }

    /// The value of `field`, or what an unset field reads as: its default (proto2 `[default = ...]`
    /// or zero), an empty message, an empty list or an empty map.
    public func value(of field: FieldDescriptor) -> Value {
        guard let info = layout.info(for: field) else { fieldNotInType(field) }
        if let value = self[info] { return value }
        return layout.unsetValue(of: info)
    }

    /// The member of `oneof` that is set, if any.
    public func whichOneof(_ oneof: OneofDescriptor) -> FieldDescriptor? {
        oneof.fields.first { has($0) }
    }

    /// The fields that are set, in field-number order, extensions included.
    public var populatedFields: [(field: FieldDescriptor, value: Value)] {
        var result: [(field: FieldDescriptor, value: Value)] = []
        let layout = layout
        for slot in layout.slotsByNumber {
            if let value = slotValue(slot) { result.append((layout.fields[slot].descriptor, value)) }
        }
        for entry in storage.extensions {
            if let info = layout.extensions[entry.number] { result.append((info.descriptor, entry.value)) }
        }
        return result.sorted { $0.field.number < $1.field.number }
    }

    // MARK: Internals

    @inline(__always)
    func slotValue(_ slot: Int) -> Value? {
        storage.withUnsafeMutablePointerToElements { $0[slot] }
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Access by field info, with presence normalisation and oneof clearing on write; no type checks.
    subscript(info: FieldInfo) -> Value? {
        get {
            if info.slot >= 0 { return slotValue(info.slot) }
            return storage.extensions.first { $0.number == info.number }?.value
        }
        set {
            makeUnique()
            let value = newValue.flatMap { FieldInfo.normalized($0, for: info) }
            if info.slot < 0 {
                setExtension(info.number, value)
                return
            }
            if value != nil, info.oneof >= 0 {
                for other in layout.oneofSlots[info.oneof] where other != info.slot {
                    storage.withUnsafeMutablePointerToElements { $0[other] = nil }
                }
            }
            storage.withUnsafeMutablePointerToElements { $0[info.slot] = value }
        }
    }

    private mutating func setExtension(_ number: Int32, _ value: Value?) {
        var extensions = storage.extensions
        storage.extensions = []
        if let index = extensions.firstIndex(where: { $0.number >= number }) {
            if extensions[index].number == number {
                if let value { extensions[index].value = value } else { extensions.remove(at: index) }
            } else if let value {
                extensions.insert(ExtensionEntry(number: number, value: value), at: index)
            }
        } else if let value {
            extensions.append(ExtensionEntry(number: number, value: value))
        }
        storage.extensions = extensions
    }

    private func fieldNotInType(_ field: FieldDescriptor) -> Never {
        preconditionFailure("\(field.fullName) is not a field or known extension of \(layout.fullName)")
    }

    private func noSuchField(_ name: String) -> Never {
        preconditionFailure("\(layout.fullName) has no field named \"\(name)\"")
    }
}
