import Foundation
import ProtoCodec
import ProtoSchema
import Recording
import TestSupport

/// The schema and helpers the recording tests share.
enum RecordingFixtures {
    /// `fixtures/protos/record`: recordtest.v1 (with google.rpc's error details).
    static let pool: DescriptorPool = {
        try! DescriptorPool(
            importPaths: [Repository.fixture("protos/record").path], files: ["recordtest/v1/record_test.proto"])
    }()

    static let registry: MessageRegistry = { try! MessageRegistry(pool: pool) }()

    static let schema: EmbeddedSchema = {
        try! EmbeddedSchema(pool: pool, files: ["recordtest/v1/record_test.proto"])
    }()

    static let noteType: MessageType = { registry.type(named: "recordtest.v1.Note")! }()

    static let unaryPath = "/recordtest.v1.Recorder/Unary"

    /// A header as the proxy writes it, with a fixed time.
    static func header(schema: EmbeddedSchema? = RecordingFixtures.schema, redaction: RedactionPolicy = .defaults)
        -> RecordingHeader
    {
        RecordingHeader(
            created: Date(timeIntervalSince1970: 1_800_000_000.125),
            source: .proxy(listen: "127.0.0.1:7000", upstream: "127.0.0.1:50051", tls: "none"), schema: schema,
            redaction: redaction)
    }

    /// A note's bytes from its JSON.
    static func note(_ json: String) throws -> [UInt8] {
        try BinaryEncoding(DynamicMessage(type: noteType, jsonString: json)).bytes
    }

    /// Writes a recording through `body` and returns the file's bytes.
    static func written(
        header: RecordingHeader = RecordingFixtures.header(), _ body: (RecordingWriter) throws -> Void
    ) throws -> (path: String, bytes: [UInt8], directory: TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "reprise-recording")
        let path = directory.path("test.jsonl").path
        let writer = try RecordingWriter(path: path, header: header, sync: .never)
        try body(writer)
        try writer.close()
        return (path, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), directory)
    }

    /// The lines of a recording file, without their newlines.
    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .dropLast().map { $0 }
    }
}

/// Validates recordings with `scripts/validate-recording.py` (Python's `jsonschema` against
/// `docs/recording-format.schema.json`).
enum JSONSchemaValidator {
    static func problems(_ paths: [String]) throws -> String {
        let script = Repository.root.appendingPathComponent("scripts/validate-recording.py").path
        let output = try Subprocess.run([try Repository.python(), script] + paths)
        if output.status != 0, output.stdoutText.isEmpty { return output.stderrText }
        return output.stdoutText
    }
}
