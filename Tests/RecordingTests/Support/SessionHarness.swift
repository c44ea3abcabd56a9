import Foundation
import GRPCProtocol
import ProtoCodec
import Recording
import TestSupport

/// A session writing to a temporary file, and the recording it wrote.
final class SessionHarness {
    let directory: TemporaryDirectory
    let path: String
    let session: RecordingSession

    init(
        registry: MessageRegistry? = RecordingFixtures.registry, redaction: RedactionPolicy = .defaults,
        options: RecordingSession.Options = RecordingSession.Options()
    ) throws {
        directory = try TemporaryDirectory(prefix: "reprise-session")
        path = directory.path("session.jsonl").path
        let writer = try RecordingWriter(
            path: path,
            header: RecordingFixtures.header(
                schema: registry == nil ? nil : RecordingFixtures.schema, redaction: redaction),
            sync: .never)
        session = try RecordingSession(writer: writer, registry: registry, options: options)
    }

    /// Request headers of a call to `path`, as a client sends them.
    static func requestHeaders(_ path: String, extra: [(String, String)] = []) -> [HeaderField] {
        fields(
            [
                (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1:7000"),
                ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", "250m"),
                ("user-agent", "test/1.0"),
            ] + extra)
    }

    /// A header block's fields from name-value pairs.
    static func fields(_ pairs: [(String, String)]) -> [HeaderField] { pairs.map { HeaderField($0.0, $0.1) } }

    func message(_ stream: Int, _ direction: MessageDirection, _ bytes: [UInt8], compressed: Bool = false, time: Int64)
    {
        bytes.withUnsafeBytes {
            session.message(
                connection: 1, stream: stream, direction: direction, payload: $0, wireSize: bytes.count,
                compressed: compressed, time: time)
        }
    }

    /// Closes the file and reads it back.
    func recording() throws -> Recording {
        try session.writer.close()
        return try Recording.load(path: path)
    }
}
