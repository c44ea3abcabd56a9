extension DynamicMessage {
    /// Whether this message, or any message inside it (in a field, a list or a map), holds unknown fields:
    /// bytes its type has no field for, or whose wire type the field does not take. A message that reads
    /// as a type with none anywhere fits that type strictly.
    public var hasUnknownFieldsAnywhere: Bool {
        if storage.hasUnknownFields { return true }
        return populatedFields.contains { $0.value.hasUnknownFieldsAnywhere }
    }
}

extension Value {
    /// Whether a message in this value holds unknown fields (see ``DynamicMessage/hasUnknownFieldsAnywhere``).
    fileprivate var hasUnknownFieldsAnywhere: Bool {
        switch self {
        case .message(let message): message.hasUnknownFieldsAnywhere
        case .list(.messages(let messages)): messages.contains { $0.hasUnknownFieldsAnywhere }
        case .map(let map): map.entries.contains { $0.value.hasUnknownFieldsAnywhere }
        default: false
        }
    }
}
