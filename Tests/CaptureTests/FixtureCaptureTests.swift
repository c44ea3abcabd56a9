import DemoServer
import Foundation
import NIOCore
import NIOPosix
import ProtoCodec
import Recording
import TestSupport
import Testing

/// The small captures kept under fixtures/captures (grpcio calls to `reprise demo-server`, made by
/// make-captures.sh there): each whole one imports to the same four calls, whatever the file format, link
/// type or IP version, and the one tcpdump began mid-connection to what its bytes define. They need no
/// root, so these run everywhere.
@Suite(.timeLimit(.minutes(2)))
struct FixtureCaptureTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var file: String
        var authority: String
        var testDescription: String { file }
    }

    static let fixtures = [
        // tcpdump on lo: Ethernet, IPv4, microseconds.
        Fixture(file: "grpcio-demo-ipv4.pcap", authority: "127.0.0.1:50071"),
        // tcpdump on any: Linux cooked v2, IPv6, nanoseconds.
        Fixture(file: "grpcio-demo-ipv6-any.pcap", authority: "[::1]:50072"),
        // dumpcap: pcapng with an Ethernet and a Linux cooked interface (libpcap refuses it).
        Fixture(file: "grpcio-demo-two-links.pcapng", authority: "127.0.0.1:50073"),
    ]

    @Test(arguments: fixtures) func theFourCallsComeBackWithTheirMessagesAndStatuses(_ fixture: Fixture) throws {
        let directory = try TemporaryDirectory(prefix: "reprise-capture-fixture")
        let out = directory.path("fixture.jsonl").path
        let summary = try ImportedRecording.run(
            Repository.fixture("captures/\(fixture.file)").path, out: out,
            ["-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"])
        #expect(summary.contains("4 call(s) recovered (4 complete, 0 incomplete) from 1 connection(s)"), "\(summary)")
        #expect(!summary.contains("skipped") && !summary.contains("cut short"), "\(summary)")

        let calls = try ImportedRecording.calls(out)
        func events(_ stream: Int, _ type: String) -> [JSONValue] {
            (calls["conn 1 stream \(stream)"] ?? []).filter { $0["type"]?.stringValue == type }
        }
        func json(_ stream: Int, _ direction: String) -> [JSONValue?] {
            events(stream, "message").filter { $0["dir"]?.stringValue == direction }.map { $0["json"] }
        }
        let methods = [1, 3, 5, 7].map { events($0, "call").first?["method"]?.stringValue }
        #expect(
            methods == ["/demo.v1.Demo/SayHello", "/demo.v1.Demo/Countdown", "/demo.v1.Demo/Sum", "/demo.v1.Demo/Fail"])
        #expect([1, 3, 5, 7].allSatisfy { events($0, "call").first?["authority"]?.stringValue == fixture.authority })
        #expect(events(1, "call").first?["metadata"]?.arrayValue?.contains(["x-fixture", "capture"]) == true)

        #expect(json(1, "request") == [["name": "capture"]])
        #expect(json(1, "response") == [["message": "Hello, capture!"]])
        #expect(json(3, "request") == [["from": 3, "intervalMs": 0]])
        #expect(json(3, "response") == [["number": 3], ["number": 2], ["number": 1]])
        #expect(json(5, "request") == [["value": "1"], ["value": "2"], ["value": "3"]])
        #expect(json(5, "response") == [["total": "6", "count": 3]])
        #expect(json(7, "response").isEmpty)

        let codes = [1, 3, 5, 7].map { events($0, "trailers").first?["code"]?.int64Value }
        #expect(codes == [0, 0, 0, 5])
        let failure = events(7, "trailers").first
        #expect(failure?["message"] == "no such thing")
        #expect(failure?["details"]?.arrayValue?.first?["reason"] == "DEMO_FAILURE")
        #expect([1, 3, 5, 7].allSatisfy { events($0, "end").first?["outcome"] == "ok" })
    }

    /// `grpcio-demo-midway.pcap`: tcpdump started while the client was inside its first Sum (one request
    /// sent), two rounds on one connection. The file holds no SYN, no preface and no SETTINGS; the server's
    /// and the client's HPACK tables were filled before it. What it holds decodes exactly or is counted:
    /// the Sum in flight began before, Fail's `:path` went into the table after the capture began (decoded,
    /// not inferred), round two's Countdown and Sum are inferred from their messages, its SayHello reads as
    /// Chat just as well (lost, with both names), and every status named a field from before (not guessed).
    /// A recording given where a capture goes (they sit side by side): libpcap's "unknown file format",
    /// then what the file is; a file that is neither keeps libpcap's words alone.
    @Test func aRecordingGivenAsACaptureIsNamedAsOne() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-import-recording")
        let recording = Repository.root.appendingPathComponent("recordings/demo.jsonl").path
        let other = try directory.write("notes.txt", "not a capture at all\n").path
        for (input, said) in [
            (recording, "unknown file format (it is a Reprise recording, not a packet capture: replay or mock it"),
            (other, "unknown file format"),
        ] {
            let output = try Subprocess.run(
                [try RepriseExecutable.path(), "import", input, "--out", directory.path("x.jsonl").path])
            #expect(output.status == 66)
            #expect(output.stderrText.contains("cannot read the capture \(input): \(said)"), "\(output.stderrText)")
            if input == other { #expect(!output.stderrText.contains("Reprise recording")) }
        }
    }

    @Test func aCaptureTCPDumpStartedMidConnectionRecoversInfersAndCountsItsCalls() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-capture-fixture-midway")
        let file = Repository.fixture("captures/grpcio-demo-midway.pcap").path
        let out = directory.path("midway.jsonl").path
        let schema = ["-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"]
        let summary = try ImportedRecording.run(file, out: out, schema)
        #expect(summary.contains("4 call(s) recovered (0 complete, 4 incomplete) from 1 connection(s)"), "\(summary)")
        #expect(summary.contains("1 connection(s) joined after they began"), "\(summary)")
        #expect(summary.contains("2 call(s) with their method inferred from their messages"), "\(summary)")
        #expect(
            summary.contains(
                "2 call(s) lost: 1 began before the capture; 1 their method was in header table state from before "
                    + "the capture, and their messages read as any of /demo.v1.Demo/Chat, /demo.v1.Demo/SayHello"),
            "\(summary)")

        let calls = try ImportedRecording.calls(out)
        #expect(Set(calls.keys) == Set([7, 11, 13, 15].map { "conn 1 stream \($0)" }))
        func call(_ stream: Int) -> [JSONValue] { calls["conn 1 stream \(stream)"] ?? [] }
        func json(_ stream: Int, _ direction: String) -> [JSONValue?] {
            call(stream).filter { $0["type"] == "message" && $0["dir"]?.stringValue == direction }.map { $0["json"] }
        }
        let starts = [7, 11, 13, 15].map { call($0).first }
        #expect(
            starts.map { $0?["method"]?.stringValue }
                == ["/demo.v1.Demo/Fail", "/demo.v1.Demo/Countdown", "/demo.v1.Demo/Sum", "/demo.v1.Demo/Fail"])
        #expect(starts.map { $0?["method_inferred"] } == [nil, .bool(true), .bool(true), nil])
        // The metadata sent as a literal each time decodes; fields indexed before the capture are counted.
        #expect(starts.allSatisfy { $0?["metadata"]?.arrayValue == [["x-fixture", "capture"]] })
        #expect(starts.allSatisfy { ($0?["unknown_headers"]?.int64Value ?? 0) > 0 })
        #expect(json(11, "request") == [["from": 3, "intervalMs": 0]])
        #expect(json(11, "response") == [["number": 3], ["number": 2], ["number": 1]])
        #expect(json(13, "request") == [["value": "1"], ["value": "2"], ["value": "3"]])
        #expect(json(13, "response") == [["total": "6", "count": 3]])
        #expect([7, 15].allSatisfy { json($0, "request").first??["message"] == "no such thing" })
        #expect(
            [7, 11, 13, 15].allSatisfy {
                call($0).last?["error"] == .string(RecordingSession.statusBeforeCapture)
            })

        // Without a schema nothing is inferred: the three calls that lost their :path are counted, with why.
        let bare = try ImportedRecording.run(file, out: directory.path("bare.jsonl").path)
        #expect(
            bare.contains(
                "3 their method was in header table state from before the capture, and without a schema it "
                    + "cannot be inferred"), "\(bare)")
        #expect(try ImportedRecording.calls(directory.path("bare.jsonl").path).count == 2, "\(bare)")

        // The recording replays like any other: inferred calls go out under their method, and the check
        // passes (a status the capture could not read is not compared).
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await DemoServer.start(host: "127.0.0.1", group: group)
        let replay = try await Subprocess.run([
            try RepriseExecutable.path(), "replay", out, "--target", "127.0.0.1:\(server.port)", "--plaintext",
            "--speed", "10",
        ])
        await server.shutdown()
        try await group.shutdownGracefully()
        #expect(replay.status == 0, "\(replay.stderrText)\n\(replay.stdoutText)")
        #expect((replay.stdoutText + replay.stderrText).contains("replayed 4 calls"), "\(replay.stdoutText)")
    }

    /// `curl-tls.pcap` with `curl-tls.keys`: curl's SayHello over TLS 1.3, then over TLS 1.2, each on its own
    /// connection, decrypted with the key log curl wrote; without it, both connections are named as TLS.
    @Test func aTLSCaptureDecryptsWithItsKeyLogWithoutRoot() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-capture-fixture-tls")
        let schema = ["-I", Repository.fixture("protos/demo").path, "--proto", "hello/hello.proto"]
        let capture = Repository.fixture("captures/curl-tls.pcap").path
        let out = directory.path("tls.jsonl").path
        let summary = try ImportedRecording.run(
            capture, out: out, schema + ["--tls-keylog", Repository.fixture("captures/curl-tls.keys").path])
        #expect(summary.contains("2 call(s) recovered (2 complete, 0 incomplete) from 2 connection(s)"), "\(summary)")
        #expect(summary.contains("2 TLS connection(s) decrypted"), "\(summary)")
        let calls = try ImportedRecording.calls(out)
        #expect(calls.count == 2)
        for (key, events) in calls {
            #expect(events.first?["method"] == "/hello.HelloService/SayHello", "\(key)")
            #expect(events.first?["authority"] == "localhost:50075", "\(key)")
            let messages = events.filter { $0["type"]?.stringValue == "message" }
            #expect(messages.map { $0["json"] } == [["greeting": "Bert"], ["reply": "hello Bert"]], "\(key)")
            #expect(events.contains { $0["type"] == "trailers" && $0["code"]?.int64Value == 0 }, "\(key)")
        }

        let plain = try ImportedRecording.run(capture, out: directory.path("plain.jsonl").path, schema, status: 66)
        #expect(plain.contains("0 call(s) recovered"), "\(plain)")
        #expect(plain.contains("2 connection(s) not decoded"), "\(plain)")
    }

    /// `openssl-keyupdate.pcap`: TLS 1.3 in which the client sent a KeyUpdate between two calls and the
    /// server answered with its own (tshark shows both). The call after them decrypts only with the next
    /// generation of each side's traffic keys.
    @Test func aTLS13KeyUpdateEachWayMovesToTheNextKeys() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-capture-fixture-keyupdate")
        let out = directory.path("keyupdate.jsonl").path
        let summary = try ImportedRecording.run(
            Repository.fixture("captures/openssl-keyupdate.pcap").path, out: out,
            [
                "-I", Repository.fixture("protos/demo").path, "--proto", "hello/hello.proto", "--tls-keylog",
                Repository.fixture("captures/openssl-keyupdate.keys").path,
            ])
        #expect(summary.contains("2 call(s) recovered (2 complete, 0 incomplete) from 1 connection(s)"), "\(summary)")
        let calls = try ImportedRecording.calls(out)
        let messages = calls.keys.sorted().map { key in
            (calls[key] ?? []).filter { $0["type"]?.stringValue == "message" }.map { $0["json"] }
        }
        #expect(
            messages == [
                [["greeting": "Before"], ["reply": "hello Before"]], [["greeting": "After"], ["reply": "hello After"]],
            ])
    }
}
