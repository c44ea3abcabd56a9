/// The entries of a map field, in insertion order (the wire order after decoding), each key once.
///
/// Lookups are linear, which is what typical maps in messages need; decoders deduplicate keys in
/// bulk (the last value wins, as on the wire).
public struct MapValue: Sendable, Equatable {
    /// One key and its value.
    public struct Entry: Sendable, Equatable {
        /// The key.
        public var key: MapKey
        /// The value.
        public var value: Value

        /// An entry of `key` and `value`.
        public init(key: MapKey, value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// The entries, in insertion order.
    public internal(set) var entries: [Entry]

    /// An empty map.
    public init() { entries = [] }

    init(reservingCapacity capacity: Int) {
        entries = []
        entries.reserveCapacity(capacity)
    }

    /// A map of these entries; for repeated keys the last value wins and keeps the first position.
    public init(_ entries: [Entry]) {
        self.entries = entries
        deduplicate()
    }

    /// The number of entries.
    public var count: Int { entries.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for `key`; setting nil removes the entry.
    public subscript(key: MapKey) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let i?, let v?): entries[i].value = v
            case (let i?, nil): entries.remove(at: i)
            case (nil, let v?): entries.append(Entry(key: key, value: v))
            case (nil, nil): break
            }
        }
    }

    /// Appends without checking for an existing key; callers call ``deduplicate()`` afterwards.
    mutating func appendUnchecked(_ key: MapKey, _ value: Value) {
        entries.append(Entry(key: key, value: value))
    }

    /// Removes repeated keys, keeping the first position and the last value. Small maps are checked
    /// pairwise (no hashing, no allocation); nothing is rebuilt unless a key repeats.
    mutating func deduplicate() {
        let count = entries.count
        guard count > 1 else { return }
        if count <= 16 {
            var repeated = false
            outer: for i in 1..<count {
                for j in 0..<i where entries[j].key == entries[i].key {
                    repeated = true
                    break outer
                }
            }
            guard repeated else { return }
        }
        var positions: [MapKey: Int] = [:]
        positions.reserveCapacity(count)
        var result: [Entry] = []
        result.reserveCapacity(count)
        for entry in entries {
            if let at = positions[entry.key] {
                result[at].value = entry.value
            } else {
                positions[entry.key] = result.count
                result.append(entry)
            }
        }
        if result.count != count { entries = result }
    }

    /// Maps are equal when they hold the same keys with equal values, in any order.
    public static func == (lhs: MapValue, rhs: MapValue) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if zip(lhs.entries, rhs.entries).allSatisfy({ $0 == $1 }) { return true }
        for entry in lhs.entries where rhs[entry.key] != entry.value { return false }
        return true
    }
}
