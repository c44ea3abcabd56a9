import DemoServer
import Foundation
import GRPCProtocol
import NIOPosix
import ProtoCodec
import Recording
import TestSupport
import Testing

/// A capture that began mid-connection: grpcio's demo client makes three rounds of calls (SayHello,
/// Countdown, Sum, Fail) on one connection, and the capture is cut where the second round starts, as if
/// tcpdump had started then. grpcio's HPACK encoder put each `:path` in the dynamic table in round one, so
/// the later header blocks name methods the cut capture never saw: they are inferred from the messages.
@Suite(
    .enabled(if: CaptureAvailability.available, "tcpdump cannot capture here: it needs root (or CAP_NET_RAW)"),
    .timeLimit(.minutes(3)))
struct MidConnectionCaptureTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let schema = ["-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"]

    @Test func callsWhoseMethodTheCaptureMissedAreInferredOrCountedAndNothingIsGuessed() async throws {
        let server = try await DemoServer.start(host: "127.0.0.1", group: Self.group)
        let directory = try TemporaryDirectory(prefix: "reprise-capture-midway")
        let capture = directory.path("whole.pcap").path
        let dump = try TCPDump(interface: "lo", filter: "tcp port \(server.port)", path: capture)
        try await Subprocess.check([
            try Repository.python(), Repository.fixture("captures/demo_client.py").path, "127.0.0.1:\(server.port)",
            "3",
        ])
        try await dump.stop()
        await server.shutdown()

        // The whole capture is the truth: twelve calls, each complete.
        let whole = directory.path("whole.jsonl").path
        let summary = try ImportedRecording.run(capture, out: whole, ["--port", "\(server.port)"] + Self.schema)
        #expect(summary.contains("12 call(s) recovered (12 complete, 0 incomplete)"), "\(summary)")
        let truth = try ImportedRecording.calls(whole)
        let fifth = try #require(
            String(contentsOfFile: whole, encoding: .utf8).split(separator: "\n").map {
                try JSONValue(parsing: String($0))
            }
            .first { $0["type"] == "call" && $0["call"] == 5 })
        let header = try ImportedRecording.header(whole)

        // Cut where the fifth call (round two's SayHello) starts.
        var file = try PcapFile(path: capture)
        let created = try RFC3339.parse(try #require(header["created"]?.stringValue))
        let cutAt = created.seconds * 1_000_000_000 + Int64(created.nanoseconds) + (fifth["t"]?.int64Value ?? 0)
        file.records.removeAll { Int64($0.seconds) * 1_000_000_000 + Int64($0.fraction) * 1000 < cutAt }
        let cut = directory.path("cut.pcap").path
        try file.write(to: cut)
        let out = directory.path("cut.jsonl").path
        let cutSummary = try ImportedRecording.run(cut, out: out, ["--port", "\(server.port)"] + Self.schema)
        #expect(cutSummary.contains("1 connection(s) joined after they began"), "\(cutSummary)")

        let recovered = try ImportedRecording.calls(out)
        var inferred: [String] = []
        for (key, events) in recovered {
            let expected = try #require(truth[key], "\(key) is not a call of the whole capture")
            #expect(events[0]["method"] == expected[0]["method"], "\(key)")
            if events[0]["method_inferred"] == .bool(true) {
                inferred.append(events[0]["method"]?.stringValue ?? "")
            }
            #expect(events.filter { $0["type"] == "message" } == expected.filter { $0["type"] == "message" }, "\(key)")
            // The status, where it too was only in the table from before, is not guessed: the call ends
            // incomplete and says why. Otherwise the end is the truth's.
            let end = try #require(events.last)
            if end["outcome"] == "error" {
                #expect(end["error"] == .string(RecordingSession.statusBeforeCapture), "\(key)")
            } else {
                #expect(events.filter { $0["type"] != "call" } == expected.filter { $0["type"] != "call" }, "\(key)")
            }
        }
        // Rounds two and three: Countdown, Sum and Fail read as exactly one method each; SayHello's request
        // and reply read as Chat's just as well, so it is counted as lost, with both names.
        #expect(
            inferred.sorted()
                == [
                    "/demo.v1.Demo/Countdown", "/demo.v1.Demo/Countdown", "/demo.v1.Demo/Fail", "/demo.v1.Demo/Fail",
                    "/demo.v1.Demo/Sum", "/demo.v1.Demo/Sum",
                ], "\(cutSummary)")
        #expect(cutSummary.contains("6 call(s) with their method inferred from their messages"), "\(cutSummary)")
        #expect(
            cutSummary.contains(
                "2 their method was in header table state from before the capture, and their messages read as any "
                    + "of /demo.v1.Demo/Chat, /demo.v1.Demo/SayHello"), "\(cutSummary)")

        // Without --port and a SYN, the first request or response headers say which side is the server,
        // whichever port is the lower: the same calls come out.
        let unnamed = directory.path("unnamed.jsonl").path
        let unnamedSummary = try ImportedRecording.run(cut, out: unnamed, Self.schema)
        #expect(unnamedSummary.contains("read from their first request or response headers"), "\(unnamedSummary)")
        #expect(try ImportedRecording.calls(unnamed) == recovered, "\(unnamedSummary)")

        // Without a schema nothing can be inferred, and the summary says so.
        let bare = try ImportedRecording.run(
            cut, out: directory.path("bare.jsonl").path, ["--port", "\(server.port)"], orNothingRecovered: true)
        #expect(bare.contains("without a schema it cannot be inferred"), "\(bare)")
    }

    /// tcpdump itself started mid-connection: grpcio's demo client makes its first calls on one channel,
    /// then stops inside Sum (one request sent) until a second tcpdump listens, and goes on for three rounds.
    /// The late capture has no SYN, no preface and no SETTINGS, an HPACK table filled before it began, and
    /// a call in flight. The capture tcpdump made from the start is the truth: every call that began after
    /// the late one did is recovered as the truth has it or counted as lost, the call in flight is counted
    /// as begun before, and a `:path` first sent after the capture began decodes exactly (never inferred).
    @Test func aTCPDumpStartedWhileTheConnectionCarriesACallRecoversOrCountsEveryLaterCall() async throws {
        let server = try await DemoServer.start(host: "127.0.0.1", group: Self.group)
        let directory = try TemporaryDirectory(prefix: "reprise-capture-late")
        let filter = "tcp port \(server.port)"
        let whole = try TCPDump(interface: "lo", filter: filter, path: directory.path("whole.pcap").path)
        let go = directory.path("go").path
        let client = Task {
            try await Subprocess.check([
                try Repository.python(), Repository.fixture("captures/demo_client.py").path,
                "127.0.0.1:\(server.port)", "3", go,
            ])
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: go + ".waiting"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(FileManager.default.fileExists(atPath: go + ".waiting"), "the client never paused inside Sum")
        let late = try TCPDump(interface: "lo", filter: filter, path: directory.path("late.pcap").path)
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        _ = try await client.value
        try await late.stop()
        try await whole.stop()
        await server.shutdown()

        let truthPath = directory.path("whole.jsonl").path
        let truthSummary = try ImportedRecording.run(
            whole.path, out: truthPath, ["--port", "\(server.port)"] + Self.schema)
        #expect(truthSummary.contains("12 call(s) recovered (12 complete, 0 incomplete)"), "\(truthSummary)")
        let truth = try ImportedRecording.calls(truthPath)
        let out = directory.path("late.jsonl").path
        let summary = try ImportedRecording.run(late.path, out: out, ["--port", "\(server.port)"] + Self.schema)
        #expect(summary.contains("1 connection(s) joined after they began"), "\(summary)")
        #expect(summary.contains("1 began before the capture"), "\(summary)")

        // The truth's calls that began after the late capture's first packet (times from one clock).
        let header = try ImportedRecording.header(truthPath)
        let created = try RFC3339.parse(try #require(header["created"]?.stringValue))
        let origin = created.seconds * 1_000_000_000 + Int64(created.nanoseconds)
        let first = try #require(try PcapFile(path: late.path).records.first)
        let lateStart = Int64(first.seconds) * 1_000_000_000 + Int64(first.fraction) * 1000
        let starts = try String(contentsOfFile: truthPath, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { try JSONValue(parsing: String($0)) }.filter { $0["type"] == "call" }
        let later = Set(
            starts.filter { origin + ($0["t"]?.int64Value ?? 0) >= lateStart }.map {
                "conn \($0["conn"]?.int64Value ?? 0) stream \($0["stream"]?.int64Value ?? 0)"
            })
        #expect(later.count >= 9, "the late capture began after the paused Sum: \(later.sorted())")

        let recovered = try ImportedRecording.calls(out)
        var inferred = 0
        for (key, events) in recovered {
            let expected = try #require(truth[key], "\(key) is not a call of the whole capture")
            #expect(later.contains(key), "\(key) began before the late capture: it cannot be recorded")
            #expect(events[0]["method"] == expected[0]["method"], "\(key)")
            if events[0]["method_inferred"] == .bool(true) { inferred += 1 }
            if expected[0]["method"] == "/demo.v1.Demo/Fail" {
                // Fail's :path went into the table after the capture began: it decodes, it is not inferred.
                #expect(events[0]["method_inferred"] == nil, "\(key)")
            }
            #expect(events.filter { $0["type"] == "message" } == expected.filter { $0["type"] == "message" }, "\(key)")
            if events.last?["error"] != .string(RecordingSession.statusBeforeCapture) {
                #expect(
                    events.filter { $0["type"] == "trailers" || $0["type"] == "end" }
                        == expected.filter { $0["type"] == "trailers" || $0["type"] == "end" }, "\(key)")
            }
        }
        // Every later call is recovered or counted lost; the summary's counts are the recording's.
        let lost = try #require(Self.count(in: summary, before: " call(s) lost"), "\(summary)")
        #expect(recovered.count + lost - 1 == later.count, "\(summary)")
        #expect(inferred > 0, "\(summary)")
        #expect(summary.contains("\(inferred) call(s) with their method inferred from their messages"), "\(summary)")
        #expect(
            recovered.values.filter { $0[0]["method"] == "/demo.v1.Demo/Fail" }.count
                == later.filter { truth[$0]?[0]["method"] == "/demo.v1.Demo/Fail" }.count)
    }

    /// The number just before `label` in `text` (`"3 call(s) lost"`), if there is one.
    static func count(in text: String, before label: String) -> Int? {
        guard let range = text.range(of: label) else { return nil }
        return Int(String(text[..<range.lowerBound].reversed().prefix { $0.isNumber }.reversed()))
    }
}
