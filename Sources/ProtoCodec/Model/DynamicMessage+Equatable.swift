extension DynamicMessage: Equatable {
    /// Messages are equal when they have the same type, equal field values (see ``Value``), the same
    /// extensions and the same unknown-field bytes.
    public static func == (lhs: DynamicMessage, rhs: DynamicMessage) -> Bool {
        if lhs.storage === rhs.storage { return true }
        guard lhs.layout === rhs.layout else { return false }
        let lh = lhs.storage.header
        let rh = rhs.storage.header
        guard lh.unknownFields == rh.unknownFields, lh.extensions.count == rh.extensions.count else { return false }
        for (a, b) in zip(lh.extensions, rh.extensions) where a.number != b.number || a.value != b.value {
            return false
        }
        for slot in 0..<lh.count where lhs.slotValue(slot) != rhs.slotValue(slot) {
            return false
        }
        return true
    }
}
