/// A header block's fields in order, as the tap decoded them (HTTP/2 names are lowercase).
public struct HeaderFields: Sendable, RandomAccessCollection {
    /// The fields, in the order they came.
    public var fields: [(name: String, value: String)]
    /// Fields that named HPACK table entries from before a decoder joined midway (left out of `fields`).
    public var unknownFields = 0

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// Appends a field.
    public mutating func add(name: String, value: String) { fields.append((name, value)) }

    /// The value of the first field called `name`.
    public func first(name: String) -> String? {
        // Names of another length are passed over without a string comparison.
        let count = name.utf8.count
        for index in fields.indices where fields[index].name.utf8.count == count && fields[index].name == name {
            return fields[index].value
        }
        return nil
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { fields.count }
    public subscript(position: Int) -> (name: String, value: String) { fields[position] }
}
