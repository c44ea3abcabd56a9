/// The header of a message's storage: its type, the unknown fields and the extension values.
struct MessageHeader {
    let type: MessageType
    let count: Int
    /// Fields the schema does not know (and unknown values of closed enums), as raw wire bytes.
    var unknownFields: [UInt8] = []
    /// Extension values, sorted by field number.
    var extensions: [ExtensionEntry] = []
}

/// An extension value stored in a message.
struct ExtensionEntry: Sendable {
    let number: Int32
    var value: Value
}

/// A message's field values, one slot per field, allocated together with the header (one allocation
/// per message). Shared between copies of a ``DynamicMessage`` and copied on write.
final class MessageStorage: ManagedBuffer<MessageHeader, Value?> {
    static func make(type: MessageType) -> MessageStorage {
        let count = type.layout.fields.count
        let buffer = create(minimumCapacity: count) { _ in MessageHeader(type: type, count: count) }
        let storage = unsafeDowncast(buffer, to: MessageStorage.self)
        storage.withUnsafeMutablePointerToElements { $0.initialize(repeating: nil, count: count) }
        return storage
    }

    func copy() -> MessageStorage {
        let count = header.count
        let buffer = MessageStorage.create(minimumCapacity: count) { _ in header }
        let storage = unsafeDowncast(buffer, to: MessageStorage.self)
        withUnsafeMutablePointerToElements { source in
            storage.withUnsafeMutablePointerToElements { $0.initialize(from: source, count: count) }
        }
        return storage
    }

    deinit {
        _ = withUnsafeMutablePointers { header, elements in elements.deinitialize(count: header.pointee.count) }
    }
}
