import ArgumentParser
import Recording

/// What is removed from the recording as it is written.
struct RecordRedactionOptions: ParsableArguments {
    @Option(
        name: .customLong("redact-header"),
        help: ArgumentHelp("A metadata key whose values are replaced by [redacted] (repeatable).", valueName: "key"))
    var headers: [String] = []

    @Option(
        name: .customLong("redact-field"),
        help: ArgumentHelp(
            "A message field cleared in the recording: pkg.Message.field.path or '/pkg.Service/Method:$.field' (repeatable).",
            valueName: "path"))
    var fields: [String] = []

    @Flag(
        name: .customLong("no-default-redaction"),
        help: "Keep authorization, cookie, set-cookie and proxy-authorization values (redacted by default).")
    var noDefaults = false

    var policy: RedactionPolicy {
        RedactionPolicy(
            metadataKeys: (noDefaults ? [] : RecordingFormat.defaultRedactedMetadata) + headers, fieldPaths: fields)
    }
}
