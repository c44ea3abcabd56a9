import ProtoSchema

/// A message type from a ``MessageRegistry``: the handle to make, decode and inspect messages with.
///
/// Holding a type keeps its registry (and so its pool) alive.
public struct MessageType: Sendable, Hashable, CustomStringConvertible {
    /// The registry this type belongs to.
    public let registry: MessageRegistry
    unowned(unsafe) let layout: MessageLayout

    init(registry: MessageRegistry, layout: MessageLayout) {
        self.registry = registry
        self.layout = layout
    }

    /// The descriptor of this type.
    public var descriptor: MessageDescriptor { layout.descriptor }
    /// The full name: `pkg.Outer.Inner`.
    public var fullName: String { layout.descriptor.fullName }
    /// The full name.
    public var description: String { fullName }

    /// The field with this proto name or JSON name.
    public func field(named name: String) -> FieldDescriptor? {
        layout.slotsByName[name].map { layout.fields[$0].descriptor }
    }

    /// The field with this number, or nil (extensions are in ``extensionFields``).
    public func field(number: Int32) -> FieldDescriptor? {
        let slot = layout.slot(forNumber: number)
        return slot >= 0 ? layout.fields[slot].descriptor : nil
    }

    /// Extensions of this type known to the pool, by number.
    public var extensionFields: [FieldDescriptor] {
        layout.extensions.values.map(\.descriptor).sorted { $0.number < $1.number }
    }

    /// A new, empty message of this type.
    public func makeMessage() -> DynamicMessage { DynamicMessage(type: self) }

    /// The type of a message field (or a map field's entry) of this type.
    func type(of info: FieldInfo) -> MessageType? {
        info.messageLayout.map { MessageType(registry: registry, layout: $0) }
    }

    public static func == (lhs: MessageType, rhs: MessageType) -> Bool { lhs.layout === rhs.layout }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(layout)) }
}
