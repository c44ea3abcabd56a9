import ProtoSchema

/// The message types of one ``DescriptorPool``, compiled for encoding and decoding.
///
/// Build one registry per pool (it is immutable and can be shared between threads) and get
/// ``MessageType``s from it; messages and types keep their registry alive. `Any` values and extensions
/// are resolved through it.
public final class MessageRegistry: Sendable {
    /// The pool the types come from.
    public let pool: DescriptorPool
    private let table: LayoutTable

    /// Compiles every message type of `pool`.
    ///
    /// Throws a ``CodecError`` with code ``CodecError/Code/invalidSchema`` when a default value in the
    /// schema cannot be read.
    public init(pool: DescriptorPool) throws {
        self.pool = pool
        table = LayoutTable()
        try table.build(pool: pool, registry: self)
    }

    /// The type with this full name (a leading dot is accepted), or nil.
    public func type(named name: String) -> MessageType? {
        let key = name.hasPrefix(".") ? String(name.dropFirst()) : name
        return table.byName[key].map { MessageType(registry: self, layout: $0) }
    }

    /// The type of this descriptor, or nil when it is not from this registry's pool.
    public func type(for descriptor: MessageDescriptor) -> MessageType? {
        table.byDescriptor[ObjectIdentifier(descriptor)].map { MessageType(registry: self, layout: $0) }
    }

    /// The type an `Any` type URL names (`type.googleapis.com/pkg.Msg`: the part after the last `/`).
    public func type(forTypeURL url: String) -> MessageType? {
        guard let slash = url.lastIndex(of: "/") else { return type(named: url) }
        return type(named: String(url[url.index(after: slash)...]))
    }

    /// Full names of all message types (map entries excluded), in pool order.
    public var typeNames: [String] {
        table.layouts.filter { !$0.isMapEntry }.map(\.fullName)
    }

    func layout(for descriptor: MessageDescriptor) -> MessageLayout? {
        table.byDescriptor[ObjectIdentifier(descriptor)]
    }
}

/// The registry's layouts; filled once while the registry initialises, read-only afterwards.
private final class LayoutTable: @unchecked Sendable {
    var layouts: [MessageLayout] = []
    var byDescriptor: [ObjectIdentifier: MessageLayout] = [:]
    var byName: [String: MessageLayout] = [:]

    func build(pool: DescriptorPool, registry: MessageRegistry) throws {
        for descriptor in pool.allMessages {
            let layout = try MessageLayout(descriptor: descriptor, registry: registry)
            layouts.append(layout)
            byDescriptor[ObjectIdentifier(descriptor)] = layout
            byName[descriptor.fullName] = layout
        }
        for layout in layouts {
            layout.link { self.byDescriptor[ObjectIdentifier($0)] }
            layout.mayHaveRequiredFields = !layout.requiredSlots.isEmpty
        }
        // Propagate "may contain required fields" up through message fields until nothing changes.
        var changed = true
        while changed {
            changed = false
            for layout in layouts where !layout.mayHaveRequiredFields {
                let children =
                    layout.fields.lazy.compactMap(\.messageLayout)
                    + layout.extensions.values.lazy.compactMap(\.messageLayout)
                if children.contains(where: { $0.mayHaveRequiredFields }) {
                    layout.mayHaveRequiredFields = true
                    changed = true
                }
            }
        }
    }
}
