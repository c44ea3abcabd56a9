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
        let bare = try ImportedRecording.run(cut, out: directory.path("bare.jsonl").path, ["--port", "\(server.port)"])
        #expect(bare.contains("without a schema it cannot be inferred"), "\(bare)")
    }
}
