import Foundation
import ProtoCodec
import TestSupport
import Testing

/// The small captures kept under fixtures/captures (grpcio calls to `reprise demo-server`, made by
/// make-captures.sh there): each imports to the same four calls, whatever the file format, link type or
/// IP version. They need no root, so these run everywhere.
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
}
