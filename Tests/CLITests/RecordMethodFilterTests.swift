import Foundation
import Recording
import TestSupport
import Testing

/// `reprise record --method/--exclude-method/--exclude-reflection-and-health`: left-out calls are relayed
/// as usual and only missing from the recording.
@Suite("reprise record: method filters")
struct RecordMethodFilterTests {
    @Test func leftOutCallsAreRelayedButNotRecorded() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-record-filter")
        let out = directory.url.appendingPathComponent("filtered.jsonl").path
        try await withDemoServer { upstream in
            let port = Int(upstream.split(separator: ":").last!)!
            let proxy = try RecordProcess(
                upstreamPort: port, out: out,
                arguments: [
                    "--reflect", "--method", "demo.v1.*", "--method", "/hello.HelloService/Say*", "--exclude-method",
                    "*/Fail", "--exclude-reflection-and-health",
                ])
            #expect(proxy.stderrText.contains("recording only /demo.v1.*, /hello.HelloService/Say*, except */Fail"))
            // By reflection through the proxy: the reflection call is relayed, and left out.
            let hello = try await reprise([
                "call", "--plaintext", "-d", #"{"name":"Ann"}"#, proxy.target, "demo.v1.Demo/SayHello",
            ])
            #expect(hello.status == 0, "\(hello.stderrText)")
            let greeting = try await reprise([
                "call", "--plaintext", "-d", #"{"greeting":"Bo"}"#, proxy.target, "hello.HelloService/SayHello",
            ])
            #expect(greeting.status == 0, "\(greeting.stderrText)")
            let failed = try await reprise([
                "call", "--plaintext", "-d", #"{"code":5,"message":"nope"}"#, proxy.target, "demo.v1.Demo/Fail",
            ])
            #expect(failed.status == 69, "\(failed.stderrText)")
            #expect(failed.stderrText.contains("(5): nope"))
            let health = try await reprise(["health", "--plaintext", proxy.target])
            #expect(health.status == 0)
            #expect(health.stdoutText == "SERVING\n")
            let lots = try await reprise([
                "call", "--plaintext", "-d", #"{"greeting":"Cy"}"#, proxy.target, "hello.HelloService/LotsOfReplies",
            ])
            #expect(lots.status == 0, "\(lots.stderrText)")

            proxy.send(SIGINT)
            #expect(await proxy.exitStatus() == 0, "\(proxy.stderrText)")
            // Left out: 4 reflection streams (one per `call`), Fail, the health check, LotsOfReplies.
            #expect(
                proxy.stderrText.contains(
                    "recorded 2 call(s), 4 message(s) to \(out)"), "\(proxy.stderrText)")
            #expect(proxy.stderrText.contains("; 7 call(s) relayed but left out by the method filter"))
        }
        let recording = try Recording.load(path: out)
        #expect(recording.calls.map(\.start.method) == ["/demo.v1.Demo/SayHello", "/hello.HelloService/SayHello"])
    }

    @Test func anEmptyPatternIsAUsageError() async throws {
        let result = try await reprise([
            "record", "--listen", "0", "--upstream", "127.0.0.1:1", "--out", "/tmp/never.jsonl", "--method", "",
        ])
        #expect(result.status == 64)
        #expect(result.stderrText.contains(#"the method pattern "" is empty"#), "\(result.stderrText)")
    }
}
