/// Helpers both encoding passes share.
enum FieldWalk {
    /// Map entries in insertion order, or sorted by key for deterministic output.
    static func entries(of map: MapValue, deterministic: Bool) -> [MapValue.Entry] {
        deterministic ? map.entries.sorted { MapKey.deterministicOrder($0.key, $1.key) } : map.entries
    }
}
