import GRPCWire

/// Why a replay cannot start or go on: a recording the replayer cannot use, a bad schedule, a server it
/// cannot reach. Failed calls are not errors; they are outcomes the golden check reports.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    /// What sort of problem it is (the command's exit status follows from it).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        /// Something given is wrong: a flag, a rule, a schedule.
        public static let invalidArgument = Code(description: "invalid argument")
        /// A file could not be read or does not make sense (a recording, a rules file).
        public static let unreadableInput = Code(description: "unreadable input")
        /// The target could not be reached.
        public static let unreachable = Code(description: "unreachable")
        /// An output could not be written.
        public static let unwritableOutput = Code(description: "unwritable output")
    }

    /// What sort of problem it is.
    public var code: Code
    /// What went wrong, where, and what to do.
    public var message: String
    /// The kind of transport failure behind it, if one was: what a command needs to add its own hint.
    public var transportFailure: TransportFailure.Kind?

    /// An error with this text, of sort `code` (an invalid argument unless said).
    public init(_ code: Code = .invalidArgument, _ message: String) {
        self.code = code
        self.message = message
    }

    /// An invalid-argument error with this text.
    public init(_ message: String) { self.init(.invalidArgument, message) }

    public var description: String { message }
}
