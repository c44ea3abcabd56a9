import DemoServer
import Foundation
import GRPCWire
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// One tcpdump capture on `lo` of three kinds of connection: gRPC in the clear (h2load), gRPC over TLS
/// (h2load to the demo server serving TLS) and HTTP/1.1 (curl to Python's http.server). The calls in the
/// clear are recovered; the other two connections are counted and named in the summary, not dropped
/// silently.
@Suite(
    .enabled(if: CaptureAvailability.available, "tcpdump cannot capture here: it needs root (or CAP_NET_RAW)"),
    .timeLimit(.minutes(3)))
struct ConnectionKindsCaptureTests {
    @Test func tlsAndHTTP1ConnectionsAreCountedAndNamedBesideTheCallsInTheClear() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pki = try TestCertificates()
        let plain = try await DemoServer.start(host: "127.0.0.1", group: group)
        let secure = try await DemoServer.start(
            host: "127.0.0.1",
            tls: ServerTLSConfiguration(certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM),
            group: group)
        // Python's http.server, ended by closing its stdin (as PeerProcess stops peers; the signal it sends
        // next may be blocked in children of the test process).
        let web = try PeerProcess([
            try Repository.python(), "-c",
            """
            import http.server, os, sys, threading
            s = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
            print("PORT", s.server_address[1], flush=True)
            threading.Thread(target=s.serve_forever, daemon=True).start()
            sys.stdin.read()
            os._exit(0)
            """,
        ])
        defer { web.stop() }
        let directory = try TemporaryDirectory(prefix: "reprise-capture-kinds")
        let capture = directory.path("kinds.pcap").path
        let ports = [plain.port, secure.port, web.port]
        let dump = try TCPDump(
            interface: "lo", filter: ports.map { "tcp port \($0)" }.joined(separator: " or "), path: capture)

        let hello: [UInt8] = [0x0A, 4] + Array("kind".utf8)
        for (server, tls) in [(plain, false), (secure, true)] {
            let output = try await H2Load.unary(
                authority: "127.0.0.1:\(server.port)", path: "/demo.v1.Demo/SayHello", message: hello, calls: 5,
                connections: 1, streams: 1, tls: tls, directory: directory)
            #expect(output.stdoutText.contains("5 succeeded, 0 failed, 0 errored"), "\(output.stdoutText)")
        }
        let curl = try await Subprocess.run(
            [try Repository.systemTool("curl"), "--http1.1", "-s", "-o", "/dev/null", "http://127.0.0.1:\(web.port)/"])
        #expect(curl.status == 0, "\(curl.stderrText)")
        try await dump.stop()
        await plain.shutdown()
        await secure.shutdown()

        let out = directory.path("kinds.jsonl").path
        let summary = try ImportedRecording.run(capture, out: out, ports.flatMap { ["--port", "\($0)"] })
        #expect(
            summary.contains("5 call(s) recovered (5 complete, 0 incomplete) from 3 connection(s)"), "\(summary)")
        #expect(summary.contains("2 connection(s) not decoded, their calls lost"), "\(summary)")
        #expect(
            summary.contains(
                "→ 127.0.0.1:\(secure.port)): TLS (decrypting it needs the session keys: --tls-keylog FILE"),
            "\(summary)")
        #expect(summary.contains("→ 127.0.0.1:\(web.port)): HTTP/1.1"), "\(summary)")
        let calls = try ImportedRecording.calls(out)
        #expect(calls.count == 5)
        #expect(calls.values.allSatisfy { $0.first?["authority"]?.stringValue == "127.0.0.1:\(plain.port)" })
    }
}
