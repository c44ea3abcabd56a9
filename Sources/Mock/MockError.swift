/// A recording the mock cannot serve, or a setting it cannot use: says where and what to do.
public struct MockError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, naming the file (and call) concerned.
    public var message: String

    /// An error with its message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
