import Foundation
import GRPCProtocol
import ProtoCodec
import Testing

@testable import Recording

/// A header list handed to the session again (the same array, as the tap's HPACK decoder returns for a
/// repeated block) finishes its line from the session's memo: the lines must be exactly those a fresh
/// list with the same fields makes.
@Suite struct RepeatedHeaderListsTests {
    /// Request, response and trailer lists of several kinds, each used for many calls.
    private struct Lists {
        let requests = [
            SessionHarness.requestHeaders(
                RecordingFixtures.unaryPath, extra: [("x-team", "blue"), ("authorization", "Bearer s3cret")]),
            SessionHarness.requestHeaders("/recordtest.v1.Recorder/Other", extra: [("x-quote", #"say "hi"\"#)]),
            SessionHarness.fields([(":path", RecordingFixtures.unaryPath), ("grpc-encoding", "gzip")]),
        ]
        let responses = [
            SessionHarness.fields([(":status", "200"), ("content-type", "application/grpc"), ("set-cookie", "id=1")]),
            SessionHarness.fields([(":status", "200"), ("grpc-encoding", "gzip"), ("x-served-by", "b2")]),
        ]
        /// Used both after response headers and as trailers-only blocks: the two make different lines.
        let trailers = [
            SessionHarness.fields([("grpc-status", "0"), ("x-trailer", "t")]),
            SessionHarness.fields([
                (":status", "200"), ("grpc-status", "5"), ("grpc-message", "no%20such%20note: %C3%A9"),
            ]),
            SessionHarness.fields([(":status", "503")]),
        ]
    }

    /// Drives `calls` calls through `harness`, taking each call's lists from `lists` through `pass` (the
    /// same arrays, or fresh copies); some calls are trailers-only.
    private func drive(
        _ harness: SessionHarness, calls: Int, _ lists: Lists, _ pass: ([HeaderField]) -> [HeaderField]
    ) throws {
        let note = try RecordingFixtures.note(#"{"text":"hello"}"#)
        for index in 0..<calls {
            let stream = 2 * index + 1
            let time = Int64(100 * index)
            harness.session.startCall(
                connection: 1 + index % 2, stream: stream, headers: pass(lists.requests[index % 3]), time: time)
            harness.message(stream, .request, note, time: time + 1)
            // Calls on connection 2 are left at that: the session is told about connection 1 only below.
            guard index % 2 == 0 else { continue }
            let trailersOnly = index % 5 == 4
            if !trailersOnly {
                harness.session.responseHeaders(
                    connection: 1, stream: stream, headers: pass(lists.responses[index % 2]), time: time + 2)
            }
            harness.session.trailers(
                connection: 1, stream: stream, headers: pass(lists.trailers[index % 3]), time: time + 3)
        }
        harness.session.closeAll(reason: "the test ended", time: Int64(100 * calls))
    }

    @Test func repeatedListsWriteTheLinesFreshListsWould() throws {
        let lists = Lists()
        let reused = try SessionHarness()
        try drive(reused, calls: 60, lists) { $0 }
        let fresh = try SessionHarness()
        // `map` makes new storage: nothing is ever seen twice.
        try drive(fresh, calls: 60, lists) { $0.map { $0 } }
        #expect(fresh.session.headerListsReused == 0)
        #expect(reused.session.headerListsReused > 60)
        let reusedLines = RecordingFixtures.lines(try reused.writtenBytes())
        let freshLines = RecordingFixtures.lines(try fresh.writtenBytes())
        #expect(reusedLines.count == freshLines.count)
        for (line, expected) in zip(reusedLines, freshLines) { #expect(line == expected) }
        // And the lines read back as they should (a redacted value, a trailers-only status).
        let calls = try reused.recording().calls
        #expect(calls[0].start.metadata.contains(MetadataEntry("authorization", "[redacted]")))
        #expect(calls[4].trailers?.trailersOnly == true)
        #expect(calls[4].trailers?.code == 5 && calls[4].trailers?.message == "no such note: é")
        #expect(calls[2].trailers?.trailersOnly == false && calls[2].trailers?.code == 14)
    }

    @Test func aChangedCopyOfAListIsNotTakenForIt() throws {
        let harness = try SessionHarness()
        let headers = SessionHarness.requestHeaders(RecordingFixtures.unaryPath, extra: [("x-team", "blue")])
        for stream in [1, 3, 5] {
            harness.session.startCall(connection: 1, stream: stream, headers: headers, time: Int64(stream))
        }
        var changed = headers
        changed[changed.count - 1] = HeaderField("x-team", "red")
        harness.session.startCall(connection: 1, stream: 7, headers: changed, time: 7)
        harness.session.startCall(connection: 1, stream: 9, headers: headers, time: 9)
        #expect(harness.session.headerListsReused == 2)
        let teams = try harness.recording().calls.map { $0.start.metadata.last?.value }
        #expect(teams == ["blue", "blue", "blue", "red", "blue"])
    }

    @Test func theMemoKeepsAFewListsAndValuesOnlyForRepeatedOnes() {
        var memo = HeaderListMemo<Int>()
        let lists = (0..<10).map { SessionHarness.fields([("x-n", "\($0)")]) }
        func sighting(_ list: [HeaderField], variant: Bool = false) -> String {
            switch memo.sighting(of: list, storage: list.storageIdentity!, variant: variant) {
            case .known(let value): "known \(value)"
            case .repeated: "repeated"
            case .new: "new"
            }
        }
        #expect(sighting(lists[0]) == "new")
        #expect(sighting(lists[0]) == "repeated")
        memo.remember(7, storage: lists[0].storageIdentity!)
        #expect(sighting(lists[0]) == "known 7")
        #expect(sighting(lists[0], variant: true) == "new")
        // Equal fields in other storage are another list.
        #expect(sighting(lists[0].map { $0 }) == "new")
        for list in lists { _ = sighting(list) }
        #expect(memo.count == HeaderListMemo<Int>.capacity)
        #expect(sighting(lists[9]) == "repeated")
    }
}

extension SessionHarness {
    /// The recording's bytes after its header line, flushed but not closed.
    fileprivate func writtenBytes() throws -> [UInt8] {
        try session.writer.flush()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
