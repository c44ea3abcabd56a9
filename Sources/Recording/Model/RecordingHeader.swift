import Foundation

/// The first line of a recording: format version, start time, source, schema and redaction settings.
public struct RecordingHeader: Sendable, Hashable {
    /// The format version (``RecordingFormat/version``).
    public var version: Int
    /// Wall-clock time of the recording start; every event's time counts from here.
    public var created: Date
    /// Where the traffic came from.
    public var source: RecordingSource
    /// The schema messages were decoded with; nil when recording schema-less.
    public var schema: EmbeddedSchema?
    /// What the writer removed.
    public var redaction: RedactionPolicy

    /// A header of the current version.
    public init(
        created: Date = Date(), source: RecordingSource, schema: EmbeddedSchema?, redaction: RedactionPolicy = .defaults
    ) {
        self.version = RecordingFormat.version
        self.created = created
        self.source = source
        self.schema = schema
        self.redaction = redaction
    }
}
