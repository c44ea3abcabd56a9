/// The entries of a map field, in insertion order (the wire order after decoding), each key once.
///
/// Small maps are searched linearly; once a map has more than 16 entries it keeps an index, so adding
/// an entry (or replacing a repeated key, where the last value wins, as on the wire) stays O(1).
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
    public private(set) var entries: [Entry]
    /// Positions by key, built once the map outgrows linear search.
    private var index: [MapKey: Int]?
    private static let indexThreshold = 16

    /// An empty map.
    public init() { entries = [] }

    init(reservingCapacity capacity: Int) {
        entries = []
        entries.reserveCapacity(capacity)
    }

    /// A map of these entries; for repeated keys the last value wins and keeps the first position.
    public init(_ entries: [Entry]) {
        self.entries = []
        self.entries.reserveCapacity(entries.count)
        for entry in entries { insertOrReplace(entry.key, entry.value) }
    }

    /// The number of entries.
    public var count: Int { entries.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for `key`; setting nil removes the entry, setting a new key appends it.
    public subscript(key: MapKey) -> Value? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let newValue {
                insertOrReplace(key, newValue)
            } else if let at = position(of: key) {
                entries.remove(at: at)
                index = nil
                buildIndexIfLarge()
            }
        }
    }

    /// Sets `key` to `value`: replaces the value in place when the key is present, else appends.
    mutating func insertOrReplace(_ key: MapKey, _ value: Value) {
        if let at = position(of: key) {
            entries[at].value = value
            return
        }
        index?[key] = entries.count
        entries.append(Entry(key: key, value: value))
        if index == nil { buildIndexIfLarge() }
    }

    private func position(of key: MapKey) -> Int? {
        if let index { return index[key] }
        return entries.firstIndex { $0.key == key }
    }

    private mutating func buildIndexIfLarge() {
        guard entries.count > Self.indexThreshold else { return }
        var positions: [MapKey: Int] = [:]
        positions.reserveCapacity(entries.count * 2)
        for (at, entry) in entries.enumerated() { positions[entry.key] = at }
        index = positions
    }

    /// Maps are equal when they hold the same keys with equal values, in any order.
    public static func == (lhs: MapValue, rhs: MapValue) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if zip(lhs.entries, rhs.entries).allSatisfy({ $0 == $1 }) { return true }
        for entry in lhs.entries where rhs[entry.key] != entry.value { return false }
        return true
    }
}
