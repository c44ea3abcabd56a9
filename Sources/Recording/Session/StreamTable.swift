/// Values by HTTP/2 stream (connection and stream id): the open calls of a recording, looked up once or
/// more per frame. A `Dictionary` keyed by the pair spends most of a lookup seeding and finalizing its
/// hasher; this table mixes the pair with one multiplication and probes linearly (deleting by shifting
/// back, so no tombstones pile up). Memory follows the most entries held at once, like a dictionary's.
/// Inlinable, so users in other modules get it specialized for their value type.
public struct StreamTable<Value> {
    @usableFromInline struct Slot {
        @usableFromInline var connection = 0
        @usableFromInline var stream = 0
        @usableFromInline var value: Value?

        @inlinable init() {}

        @inlinable init(connection: Int, stream: Int, value: Value?) {
            self.connection = connection
            self.stream = stream
            self.value = value
        }
    }

    @usableFromInline var slots: [Slot]
    @usableFromInline var mask: Int
    @usableFromInline var held = 0

    /// Entries held.
    @inlinable public var count: Int { held }

    /// An empty table.
    @inlinable public init() {
        slots = Array(repeating: Slot(), count: 16)
        mask = 15
    }

    /// Whether the table holds no entry.
    @inlinable public var isEmpty: Bool { held == 0 }

    /// The value of `stream` on `connection`; setting nil removes it.
    @inlinable public subscript(connection: Int, stream: Int) -> Value? {
        get {
            guard let index = find(connection, stream) else { return nil }
            return slots[index].value
        }
        set {
            if let newValue {
                insert(newValue, connection, stream)
            } else {
                removeValue(connection: connection, stream: stream)
            }
        }
    }

    /// Removes `stream` of `connection` and returns its value, if it had one.
    @discardableResult
    @inlinable public mutating func removeValue(connection: Int, stream: Int) -> Value? {
        guard let index = find(connection, stream) else { return nil }
        let value = slots[index].value
        remove(at: index)
        return value
    }

    /// Removes every entry of `connection` and returns them (in no particular order).
    @discardableResult
    @inlinable public mutating func removeAll(connection: Int) -> [(stream: Int, value: Value)] {
        let removed = entries.filter { $0.connection == connection }
        for entry in removed { removeValue(connection: connection, stream: entry.stream) }
        return removed.map { ($0.stream, $0.value) }
    }

    /// Every entry, in no particular order.
    @inlinable public var entries: [(connection: Int, stream: Int, value: Value)] {
        slots.compactMap { slot in slot.value.map { (slot.connection, slot.stream, $0) } }
    }

    // MARK: Probing

    @inlinable func home(_ connection: Int, _ stream: Int) -> Int {
        // Multiplicative (Fibonacci) hashing: bits 32 and up of the product depend on every bit of the
        // pair, so consecutive stream ids spread over the table.
        let mixed = UInt64(bitPattern: Int64(connection &<< 32 ^ stream)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }

    @inlinable func find(_ connection: Int, _ stream: Int) -> Int? {
        var index = home(connection, stream)
        while slots[index].value != nil {
            if slots[index].stream == stream, slots[index].connection == connection { return index }
            index = (index + 1) & mask
        }
        return nil
    }

    @inlinable mutating func insert(_ value: Value, _ connection: Int, _ stream: Int) {
        if let index = find(connection, stream) {
            slots[index].value = value
            return
        }
        if (held + 1) * 2 > slots.count { grow() }
        var index = home(connection, stream)
        while slots[index].value != nil { index = (index + 1) & mask }
        slots[index] = Slot(connection: connection, stream: stream, value: value)
        held += 1
    }

    /// Empties `index` and moves later entries of its probe run back into the gap, so every entry stays
    /// reachable from its home slot without passing an empty one.
    @inlinable mutating func remove(at index: Int) {
        slots[index].value = nil
        held -= 1
        var gap = index
        var next = (index + 1) & mask
        while slots[next].value != nil {
            // The entry at `next` may fill the gap if it is at least as far from its home as from the gap.
            let wanted = home(slots[next].connection, slots[next].stream)
            if (next - wanted) & mask >= (next - gap) & mask {
                slots.swapAt(gap, next)
                gap = next
            }
            next = (next + 1) & mask
        }
    }

    @inlinable mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        held = 0
        for slot in old {
            if let value = slot.value { insert(value, slot.connection, slot.stream) }
        }
    }
}
