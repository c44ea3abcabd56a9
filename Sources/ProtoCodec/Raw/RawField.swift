/// One field of a ``RawMessage``.
public struct RawField: Sendable, Equatable {
    /// The field number.
    public var number: UInt32
    /// The value, which also tells the wire type.
    public var value: RawValue

    /// A field with this number and value.
    public init(number: UInt32, value: RawValue) {
        self.number = number
        self.value = value
    }
}
