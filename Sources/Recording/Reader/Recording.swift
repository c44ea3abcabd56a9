import Foundation
import LocalFile

/// A whole recording in memory: its header, its events in file order, and what was skipped.
///
/// ```swift
/// let recording = try Recording.load(path: "recordings/demo.jsonl")
/// for call in recording.calls { print(call.start.method, call.trailers?.code ?? -1) }
/// ```
public struct Recording: Sendable {
    /// The header line.
    public var header: RecordingHeader
    /// Every event, in file order.
    public var events: [RecordingEvent]
    /// Problems that did not stop the reading (an incomplete last line).
    public var warnings: [RecordingIssue]

    /// A recording from its parts.
    public init(header: RecordingHeader, events: [RecordingEvent], warnings: [RecordingIssue] = []) {
        self.header = header
        self.events = events
        self.warnings = warnings
    }

    /// Reads and checks the recording at `path`; every problem is reported with its line.
    public static func load(path: String) throws(RecordingError) -> Recording {
        let bytes: [UInt8]
        do {
            bytes = try LocalFile.read(path)
        } catch {
            throw RecordingError(file: path, line: 0, "cannot read the recording: \(error.reason)")
        }
        return try Recording(parsing: bytes, name: path)
    }

    /// Reads and checks a recording held in memory; `name` is used in messages.
    public init(parsing bytes: [UInt8], name: String = "recording") throws(RecordingError) {
        var parser = RecordingParser(file: name)
        var header: RecordingHeader?
        var events: [RecordingEvent] = []
        var warnings: [RecordingIssue] = []
        var errors: [RecordingIssue] = []
        var lineCount = 0
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count, errors.count < Self.maximumErrors {
                let newline = buffer[start...].firstIndex(of: 0x0A)
                let end = newline ?? buffer.count
                lineCount += 1
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                switch parser.parse(line, number: lineCount, incomplete: newline == nil) {
                case .header(let parsed): header = parsed
                case .event(let event): events.append(event)
                case .blank: break
                case .issue(let issue):
                    if issue.severity == .warning { warnings.append(issue) } else { errors.append(issue) }
                    // Nothing after a broken header can be checked.
                    if header == nil { start = buffer.count }
                }
                if start < buffer.count { start = end + 1 }
            }
        }
        if let missing = parser.finish(lines: lineCount), errors.isEmpty { errors.append(missing) }
        guard errors.isEmpty, let header else { throw RecordingError(issues: errors) }
        self.init(header: header, events: events, warnings: warnings)
    }

    /// Reading stops after this many errors.
    static let maximumErrors = 100
}
