/// A redaction rule that does not fit the schema: which rule, and why.
public struct RedactionError: Error, Sendable, CustomStringConvertible {
    /// The rule as the user wrote it.
    public var rule: String
    /// What is wrong with it.
    public var reason: String

    public var description: String { "--redact-field \(rule): \(reason)" }
}
