/// The header of a message's storage: its type, the unknown fields and the extension values.
struct MessageHeader {
    let type: MessageType
    /// `type.layout`, kept apart so reading it costs no reference counting (`type` keeps it alive).
    unowned(unsafe) let layout: MessageLayout
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
        let buffer = create(minimumCapacity: count) { _ in MessageHeader(type: type, layout: type.layout, count: count)
        }
        let storage = unsafeDowncast(buffer, to: MessageStorage.self)
        storage.withUnsafeMutablePointerToElements { $0.initialize(repeating: nil, count: count) }
        return storage
    }

    /// The layout, read straight from the header without copying it.
    @inline(__always)
    var layout: MessageLayout {
        withUnsafeMutablePointerToHeader { $0.pointee.layout }
    }

    /// The header's fields, projected through a pointer: reading `header` itself would copy the whole
    /// header (and retain everything in it).
    @inline(__always)
    var unknownFields: [UInt8] {
        get { withUnsafeMutablePointerToHeader { $0.pointee.unknownFields } }
        set { withUnsafeMutablePointerToHeader { $0.pointee.unknownFields = newValue } }
    }

    @inline(__always)
    var hasUnknownFields: Bool { withUnsafeMutablePointerToHeader { !$0.pointee.unknownFields.isEmpty } }

    @inline(__always)
    func appendUnknownFields(_ bytes: [UInt8]) {
        withUnsafeMutablePointerToHeader { $0.pointee.unknownFields.append(contentsOf: bytes) }
    }

    @inline(__always)
    var extensions: [ExtensionEntry] {
        get { withUnsafeMutablePointerToHeader { $0.pointee.extensions } }
        set { withUnsafeMutablePointerToHeader { $0.pointee.extensions = newValue } }
    }

    @inline(__always)
    var type: MessageType { withUnsafeMutablePointerToHeader { $0.pointee.type } }

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
        // Slot by slot, so the compiler destroys `Value?` with specialized code instead of the runtime's
        // generic array destroy, and skips unset slots.
        withUnsafeMutablePointers { header, elements in
            for i in 0..<header.pointee.count where elements[i] != nil {
                (elements + i).deinitialize(count: 1)  // unset slots (nil) hold nothing to release
            }
        }
    }
}
