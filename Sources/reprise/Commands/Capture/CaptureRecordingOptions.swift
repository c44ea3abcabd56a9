import ArgumentParser
import Capture
import Recording

/// What `import` and `capture` share: the recording to write, how to decode and redact it, and which
/// packets to read.
struct CaptureRecordingOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The recording to write.", valueName: "file"))
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var overwrite = false

    @OptionGroup var schema: SchemaOptions
    @OptionGroup var filter: CaptureFilterOptions
    @OptionGroup var redaction: RecordRedactionOptions
    @OptionGroup var keyLog: TLSKeyLogOptions

    @Flag(
        name: .customLong("raw-fields"),
        help: "Add a schema-less view (field numbers and wire types) to messages the schema cannot decode.")
    var rawFields = false

    /// The recording of packets from `source`, read through `filter` (`filter.expression` unless given);
    /// `twoThreads` records on a second thread while the first reads and decodes (a file import).
    func recording(source: RecordingSource, filter: CaptureFilterOptions? = nil, twoThreads: Bool = false) throws
        -> CaptureRecording
    {
        let filter = filter ?? self.filter
        var configuration = CaptureImporter.Configuration()
        configuration.maxHeldBytesPerConnection = filter.maxHeldBytes
        configuration.serverPorts = filter.serverPorts
        configuration.tlsKeyLog = try keyLog.load()
        return try CaptureRecording(
            schema: schema, redaction: redaction.policy, rawFields: rawFields, out: out, overwrite: overwrite,
            source: source, configuration: configuration, twoThreads: twoThreads)
    }
}
