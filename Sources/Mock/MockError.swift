import GRPCWire

/// A recording the mock cannot serve, or a setting it cannot use: says where and what to do.
public struct MockError: Error, CustomStringConvertible, Sendable {
    /// What kind of thing failed, for the caller's exit status.
    public enum Kind: Sendable {
        /// A recording (or a setting) that cannot be read or served.
        case input
        /// The passthrough server cannot be reached.
        case unreachable
        /// The file new answers are appended to cannot be written.
        case output
    }

    /// What went wrong, naming the file (and call) concerned.
    public var message: String
    /// What kind of thing failed.
    public var kind: Kind
    /// Why the passthrough server could not be reached, when a connection failed.
    public var transportFailure: TransportFailure?

    /// An error with its message.
    public init(_ message: String, kind: Kind = .input, transportFailure: TransportFailure? = nil) {
        self.message = message
        self.kind = kind
        self.transportFailure = transportFailure
    }

    public var description: String { message }
}
