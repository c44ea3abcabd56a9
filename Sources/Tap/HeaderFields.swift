import GRPCProtocol

/// A header block's fields in order, as the tap decoded them (HTTP/2 names are lowercase).
public struct HeaderFields: Sendable, RandomAccessCollection {
    /// The fields, in the order they came.
    public var fields: [HeaderField]
    /// Fields that named HPACK table entries from before a decoder joined midway (left out of `fields`).
    public var unknownFields = 0

    public init(_ fields: [HeaderField] = []) { self.fields = fields }

    /// Appends a field.
    public mutating func add(name: String, value: String) { fields.append(HeaderField(name, value)) }

    /// The value of the first field of this kind (not `.other`: see ``first(name:)``).
    public func first(_ known: KnownHeader) -> String? {
        for index in fields.indices where fields[index].known == known { return fields[index].value }
        return nil
    }

    /// The value of the first field called `name`.
    public func first(name: String) -> String? {
        let known = KnownHeader(name)
        if known != .other, known != .otherPseudo { return first(known) }
        // Names of another length are passed over without a string comparison.
        let count = name.utf8.count
        for index in fields.indices where fields[index].name.utf8.count == count && fields[index].name == name {
            return fields[index].value
        }
        return nil
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { fields.count }
    public subscript(position: Int) -> HeaderField { fields[position] }
}
