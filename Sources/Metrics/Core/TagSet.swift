/// A set of tags (`method=SayHello`, `status=0`) kept sorted by key, so equal sets hash equally and print
/// in k6's order. Building one allocates; resolve it into a series handle once and record through that.
public struct TagSet: Hashable, Sendable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One tag.
    public struct Tag: Hashable, Sendable {
        /// The tag's key.
        public var key: String
        /// The tag's value.
        public var value: String
        /// Creates a tag.
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The tags, sorted by key, at most one per key.
    public private(set) var tags: [Tag]

    /// The empty set.
    public static let empty = TagSet()

    /// Creates an empty set.
    public init() { tags = [] }

    /// Creates a set from key/value pairs; a later pair wins over an earlier one with the same key.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, String) {
        tags = []
        for (key, value) in pairs { set(key, value) }
    }

    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The value for `key`, if the set has it.
    public subscript(key: String) -> String? {
        guard let index = position(of: key) else { return nil }
        return tags[index].value
    }

    /// Whether the set has no tags.
    public var isEmpty: Bool { tags.isEmpty }

    /// Number of tags.
    public var count: Int { tags.count }

    /// Sets (or replaces) one tag.
    public mutating func set(_ key: String, _ value: String) {
        if let index = position(of: key) {
            tags[index].value = value
            return
        }
        let insertAt = tags.firstIndex { $0.key > key } ?? tags.count
        tags.insert(Tag(key, value), at: insertAt)
    }

    /// Removes the tag with `key`, if any.
    public mutating func remove(_ key: String) {
        if let index = position(of: key) { tags.remove(at: index) }
    }

    /// A copy with one more (or a replaced) tag.
    public func adding(_ key: String, _ value: String) -> TagSet {
        var copy = self
        copy.set(key, value)
        return copy
    }

    /// A copy with `other`'s tags added; `other` wins on equal keys.
    public func merging(_ other: TagSet) -> TagSet {
        var copy = self
        for tag in other.tags { copy.set(tag.key, tag.value) }
        return copy
    }

    /// Whether every tag of `filter` is in this set with the same value (k6's sub-metric match).
    public func contains(_ filter: TagSet) -> Bool {
        filter.tags.allSatisfy { self[$0.key] == $0.value }
    }

    public var description: String {
        "{" + tags.map { "\($0.key):\($0.value)" }.joined(separator: ",") + "}"
    }

    private func position(of key: String) -> Int? {
        tags.firstIndex { $0.key == key }
    }
}
