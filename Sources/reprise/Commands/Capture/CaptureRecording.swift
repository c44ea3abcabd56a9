import Capture
import Foundation
import ProtoCodec
import Recording

/// A recording being written from captured packets: the writer is made when the first packet comes, so
/// the header's `created` is the capture's first moment and event times count from there.
final class CaptureRecording {
    private let registry: MessageRegistry?
    private let header: (Date) throws -> RecordingHeader
    private let out: String
    private let overwrite: Bool
    private let options: RecordingSession.Options
    private let configuration: CaptureImporter.Configuration
    private var importer: CaptureImporter?
    /// Whether lines are made on a second thread (a file import: packets are read and HTTP/2 decoded on
    /// this one meanwhile). A live capture records on its own thread: its counts are read as it goes.
    private let twoThreads: Bool
    /// Lines buffered before they are written: large writes, well under what the writer keeps between flushes.
    private static let flushBytes = 256 * 1024

    init(
        schema: SchemaOptions, redaction: RedactionPolicy, rawFields: Bool, out: String, overwrite: Bool,
        source: RecordingSource, configuration: CaptureImporter.Configuration, twoThreads: Bool = false
    ) throws {
        self.twoThreads = twoThreads
        let (pool, files) = try schema.recordingSchema()
        do {
            registry = try pool.map { try MessageRegistry(pool: $0) }
            _ = try MessageRedactor(policy: redaction, pool: pool)
        } catch {
            throw CommandError("the schema cannot be used for decoding: \(error)")
        }
        let embedded = try pool.map { try EmbeddedSchema(pool: $0, files: files) }
        header = { RecordingHeader(created: $0, source: source, schema: embedded, redaction: redaction) }
        self.out = out
        self.overwrite = overwrite
        var options = RecordingSession.Options()
        options.includeRawFields = rawFields
        self.options = options
        self.configuration = configuration
        if !overwrite, FileManager.default.fileExists(atPath: out) {
            throw CommandError("\(out) exists; pass --overwrite to replace it, or choose another --out")
        }
    }

    /// Records one packet (the first one starts the recording).
    func process(_ packet: CapturedPacket) throws {
        let importer = try self.importer ?? start(at: packet.time)
        importer.process(packet)
        if twoThreads {
            if let failure = importer.recordingFailure {
                throw CommandError("\(failure)", status: .unwritableOutput)
            }
            return
        }
        // By bytes, not packets: 4,096 packets of small calls buffered about 2 MB, past what the writer keeps
        // between flushes, so its buffer was given back and grown again on every flush.
        if importer.session.writer.pendingBytes >= Self.flushBytes { try flush() }
    }

    /// Writes what is buffered to the file (a live capture does so each second, so the recording can be
    /// read while it grows).
    func flush() throws {
        guard let importer else { return }
        do { try importer.session.writer.flush() } catch { throw CommandError("\(error)", status: .unwritableOutput) }
    }

    /// What was found so far (nil before the first packet).
    var summary: CaptureSummary? { importer?.summary }

    /// Calls that have ended so far, complete or not.
    var callsEnded: Int { importer?.session.callsEnded ?? 0 }

    /// Ends the connections still open, closes the file (an empty recording if no packet came) and returns
    /// what was found.
    func finish(time: Int64? = nil) throws -> CaptureSummary {
        let importer = try self.importer ?? start(at: time ?? Int64(Date().timeIntervalSince1970 * 1e9))
        importer.finish(time: time)
        do {
            try importer.finishRecording()
            try importer.session.writer.close()
        } catch {
            throw CommandError("\(error)", status: .unwritableOutput)
        }
        return importer.summary
    }

    private func start(at time: Int64) throws -> CaptureImporter {
        do {
            let created = Date(timeIntervalSince1970: Double(time / 1_000_000) / 1000)
            let writer = try RecordingWriter(
                path: out, header: try header(created), sync: .never, overwrite: overwrite)
            let session = try RecordingSession(writer: writer, registry: registry, options: options)
            // Event times count from `created`, which keeps milliseconds.
            let importer = CaptureImporter(
                session: session, start: time / 1_000_000 * 1_000_000, configuration: configuration)
            if twoThreads { importer.recordOnOwnThread(flushBytes: Self.flushBytes) }
            self.importer = importer
            return importer
        } catch let error as CommandError {
            throw error
        } catch let error as RecordingWriteError {
            throw CommandError("\(error)", status: .unwritableOutput)
        } catch {
            throw CommandError("\(error)")
        }
    }
}
