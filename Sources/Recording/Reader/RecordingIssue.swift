/// A problem found while reading a recording, with where it is: `demo.jsonl:14: message event for call 7,
/// which has no call event`.
public struct RecordingIssue: Sendable, Hashable, CustomStringConvertible {
    /// How serious a problem is.
    public enum Severity: Sendable, Hashable {
        /// The line is wrong; the recording is rejected.
        case error
        /// Something was skipped (an incomplete last line); the rest is usable.
        case warning
    }

    /// The recording's name or path.
    public var file: String
    /// The 1-based line number; 0 for the whole file (it cannot be opened).
    public var line: Int
    /// What is wrong and, where it helps, what to do.
    public var message: String
    /// Whether the recording is still usable.
    public var severity: Severity

    /// An issue at `file:line`.
    public init(file: String, line: Int, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity
    }

    /// `file:line: message`, or `file: message` for a problem with the whole file (line 0).
    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return severity == .warning ? "\(place): warning: \(message)" : "\(place): \(message)"
    }
}

/// A recording could not be read: every problem found, each with its line.
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    /// The problems, in line order.
    public var issues: [RecordingIssue]

    /// An error made of `issues`.
    public init(issues: [RecordingIssue]) { self.issues = issues }

    /// An error with one issue.
    public init(file: String, line: Int, _ message: String) {
        issues = [RecordingIssue(file: file, line: line, message: message)]
    }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
