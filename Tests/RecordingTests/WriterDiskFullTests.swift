import Foundation
import Recording
import TestSupport
import Testing

/// The writer on a filesystem that fills up mid-flush (a 64 KiB tmpfs, root as CI runs): the whole lines
/// that reached the file stay, the rest is cut off, and once there is room again a flush writes only the
/// lines that did not get there, each once.
@Suite(.enabled(if: SmallFilesystem.available, "mounting a small tmpfs needs root; CI runs as root"))
struct WriterDiskFullTests {
    @Test func aFlushThatFillsTheDiskKeepsTheWholeLinesAndALaterOneWritesOnlyTheRest() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-writer-full")
        let disk = try await SmallFilesystem(in: directory, size: "64k")
        let path = disk.file("calls.jsonl")
        let writer = try RecordingWriter(path: path, header: RecordingFixtures.header(schema: nil), sync: .never)
        let session = try RecordingSession(writer: writer, registry: nil)
        let calls = 1000  // two lines of about 100 bytes each: 200 KB, three times the room
        for call in 1...calls {
            let started = session.startCall(
                connection: 1, stream: 2 * call - 1, headers: SessionHarness.fields([(":path", "/a.B/C")]),
                time: Int64(call))
            session.fail(started, reason: "no room for call \(call)", time: Int64(call))
        }
        #expect(throws: RecordingWriteError.self) { try writer.flush() }
        let kept = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(kept.count > 32 * 1024)
        #expect(kept.last == UInt8(ascii: "\n"))
        let keptLines = kept.split(separator: UInt8(ascii: "\n")).count - 1
        #expect(writer.eventsWritten == keptLines)

        try await disk.resize(to: "1m")
        try writer.close()
        let recording = try Recording.load(path: path)
        #expect(recording.warnings.isEmpty, "\(recording.warnings)")
        #expect(recording.calls.map(\.start.call) == Array(1...calls))
        let ends = recording.events.compactMap { event -> Int? in
            if case .end(let end) = event { end.call } else { nil }
        }
        #expect(ends == Array(1...calls))
        withExtendedLifetime(disk) {}
    }
}
