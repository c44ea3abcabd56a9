/// Why a replay cannot start or go on: a recording the replayer cannot use, a bad schedule, a server it
/// cannot reach. Failed calls are not errors; they are outcomes the golden check reports.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, where, and what to do.
    public var message: String

    /// An error with this text.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
