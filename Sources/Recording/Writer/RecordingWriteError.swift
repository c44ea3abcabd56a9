/// Writing a recording failed: which file, and what the system said.
public struct RecordingWriteError: Error, Sendable, CustomStringConvertible {
    /// The recording's path.
    public var path: String
    /// What went wrong.
    public var reason: String

    /// An error for `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write the recording \(path): \(reason)" }
}
