import DemoServer
import Foundation
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// HTTP/2 reached by the HTTP/1.1 upgrade (`Upgrade: h2c`): curl and nghttp call the demo server through
/// nghttpx, whose front end accepts the upgrade, while tcpdump captures the front end. curl's call is the
/// upgrade request itself (stream 1, its message in the HTTP/1.1 body); nghttp upgrades with `OPTIONS *`
/// and calls on a later stream. Every call is recovered, the upgrade request's call too.
@Suite(
    .enabled(if: CaptureAvailability.available, "tcpdump cannot capture here: it needs root (or CAP_NET_RAW)"),
    .timeLimit(.minutes(3)))
struct H2CUpgradeCaptureTests {
    @Test func callsMadeAfterAnUpgradeToH2CAreRecovered() async throws {
        let server = try await DemoServer.start(host: "127.0.0.1", group: MultiThreadedEventLoopGroup.singleton)
        let directory = try TemporaryDirectory(prefix: "reprise-capture-h2c")
        let proxy = try NGHTTPX(backendPort: server.port, log: directory.path("nghttpx.log").path)
        let capture = directory.path("h2c.pcap").path
        let dump = try TCPDump(interface: "lo", filter: "tcp port \(proxy.port)", path: capture)

        // demo.v1.Demo/SayHello with HelloRequest{name: "h2c"}, framed.
        let request = directory.path("request.bin")
        try Data([0, 0, 0, 0, 5, 0x0A, 3] + Array("h2c".utf8)).write(to: request)
        let url = "http://127.0.0.1:\(proxy.port)/demo.v1.Demo/SayHello"
        let grpcHeaders = ["-H", "content-type: application/grpc", "-H", "te: trailers"]
        for _ in 0..<2 {
            let curl = try await Subprocess.run(
                [
                    try Repository.systemTool("curl"), "-s", "--http2", "-o", "/dev/null", "-D", "-", "--data-binary",
                    "@\(request.path)",
                ] + grpcHeaders + [url])
            #expect(curl.stdoutText.contains("101 Switching Protocols"), "\(curl.stdoutText)\(curl.stderrText)")
            #expect(curl.stdoutText.contains("grpc-status: 0"), "\(curl.stdoutText)")
        }
        let nghttp = try await Subprocess.run(
            [try Repository.systemTool("nghttp"), "-u", "-v", "-d", request.path] + grpcHeaders + [url])
        #expect(nghttp.stdoutText.contains("HTTP Upgrade success"), "\(nghttp.stdoutText)")
        try await dump.stop()
        proxy.stop()
        await server.shutdown()

        let out = directory.path("h2c.jsonl").path
        let summary = try ImportedRecording.run(
            capture, out: out,
            ["--port", "\(proxy.port)", "-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"])
        #expect(summary.contains("3 call(s) recovered (3 complete, 0 incomplete) from 3 connection(s)"), "\(summary)")
        #expect(!summary.contains("not decoded"), "\(summary)")
        let calls = try ImportedRecording.calls(out)
        #expect(calls.count == 3)
        // Both curl calls are their connections' upgrade requests: stream 1.
        #expect(calls.keys.filter { $0.hasSuffix("stream 1") }.count == 2, "\(calls.keys)")
        for events in calls.values {
            #expect(events.first?["method"] == "/demo.v1.Demo/SayHello")
            let messages = events.filter { $0["type"] == "message" }.map { $0["json"] }
            #expect(messages == [["name": "h2c"], ["message": "Hello, h2c!"]], "\(events)")
            #expect(events.last?["outcome"] == "ok")
        }
    }
}
