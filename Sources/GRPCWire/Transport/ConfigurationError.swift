/// A configuration that cannot be used: a PEM that does not parse, a key that does not decrypt, an address
/// that does not resolve to a socket address. Thrown before any connection is attempted.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and what to do about it.
    public var message: String
    /// Where in Reprise the problem was detected (for bug reports).
    public var location: String

    /// An error with a message; `file` and `line` record where it was raised.
    public static func invalid(_ message: String, file: String = #fileID, line: Int = #line) -> ConfigurationError {
        ConfigurationError(message: message, location: "\(file):\(line)")
    }

    public var description: String { message }
}
