import GRPCProtocol

/// gRPC metadata: ordered key/value pairs with lower-case keys. Keys ending in `-bin` carry binary values
/// (base64 on the wire); other keys carry ASCII strings. A key may repeat.
public struct Metadata: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// A metadata value: a string, or bytes for a `-bin` key.
    public enum Value: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// A text value (printable ASCII on the wire).
        case string(String)
        /// A binary value, base64-encoded on the wire.
        case binary([UInt8])

        /// The bytes of the value: the UTF-8 of a string, or the binary bytes.
        public var bytes: [UInt8] {
            switch self {
            case .string(let string): return Array(string.utf8)
            case .binary(let bytes): return bytes
            }
        }

        /// The value as text; binary values are read as UTF-8 (as k6 shows them to scripts).
        public var text: String {
            switch self {
            case .string(let string): return string
            case .binary(let bytes): return String(decoding: bytes, as: UTF8.self)
            }
        }

        /// A text value from a literal.
        public init(stringLiteral value: String) { self = .string(value) }

        public var description: String {
            switch self {
            case .string(let string): return string
            case .binary(let bytes): return "base64:" + Base64.encode(bytes, padded: true)
            }
        }
    }

    /// One key/value pair.
    public struct Entry: Hashable, Sendable {
        /// The lower-case key.
        public var key: String
        /// The value.
        public var value: Value
    }

    private var entries: [Entry]

    /// Empty metadata.
    public init() { entries = [] }

    /// Metadata from pairs, in order; keys are lower-cased and `-bin` string values become binary.
    public init(dictionaryLiteral elements: (String, Value)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (key, value) in elements {
            if case .string(let text) = value { add(key, text) } else { add(key, value: value) }
        }
    }

    /// The number of pairs.
    public var count: Int { entries.count }
    /// Whether there are no pairs.
    public var isEmpty: Bool { entries.isEmpty }

    /// Appends a text value; for a `-bin` key the string's UTF-8 bytes become the binary value.
    public mutating func add(_ key: String, _ value: String) {
        let key = key.lowercased()
        entries.append(Entry(key: key, value: Self.isBinaryKey(key) ? .binary(Array(value.utf8)) : .string(value)))
    }

    /// Appends a binary value; the key should end in `-bin` (it is sent base64-encoded either way).
    public mutating func add(_ key: String, binary value: [UInt8]) {
        entries.append(Entry(key: key.lowercased(), value: .binary(value)))
    }

    /// Appends a value exactly as given (the key is lower-cased).
    public mutating func add(_ key: String, value: Value) {
        entries.append(Entry(key: key.lowercased(), value: value))
    }

    /// Reserves room for `count` pairs.
    mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    /// Appends a pair whose key is known to be lower case already (HTTP/2 header names are).
    mutating func appendLowercased(_ key: String, _ value: Value) {
        entries.append(Entry(key: key, value: value))
    }

    /// Appends every pair of `other`, after these.
    public mutating func add(contentsOf other: Metadata) { entries += other.entries }

    /// Removes every value for `key`.
    public mutating func removeAll(_ key: String) {
        let key = key.lowercased()
        entries.removeAll { $0.key == key }
    }

    /// Every value for `key`, in order.
    public subscript(key: String) -> [Value] {
        let key = key.lowercased()
        return entries.lazy.filter { $0.key == key }.map(\.value)
    }

    /// The first value for `key`, if any.
    public func first(_ key: String) -> Value? {
        let key = key.lowercased()
        return entries.first { $0.key == key }?.value
    }

    /// The keys in first-seen order, without repeats.
    public var keys: [String] {
        var seen = Set<String>()
        return entries.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    public var description: String {
        "[" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
    }

    /// Whether `key` (lower case) names a binary header.
    static func isBinaryKey(_ key: String) -> Bool { key.utf8.count > 4 && key.hasSuffix("-bin") }
}
