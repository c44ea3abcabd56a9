import DemoServer
import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// curl (OpenSSL, which writes SSLKEYLOGFILE) calls the demo server over TLS while tcpdump captures `lo`:
/// TLS 1.3 and 1.2, AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305. With the key log every call imports
/// decoded; without it the connections are named, not dropped silently; a damaged or partial key log says
/// what is missing.
@Suite(
    .enabled(if: CaptureAvailability.available, "tcpdump cannot capture here: it needs root (or CAP_NET_RAW)"),
    .timeLimit(.minutes(3)), .serialized)
struct TLSKeyLogCaptureTests {
    /// curl's TLS choices, one connection each.
    static let variants: [[String]] = [
        ["--tlsv1.3"],
        ["--tlsv1.3", "--tls13-ciphers", "TLS_AES_256_GCM_SHA384"],
        ["--tlsv1.3", "--tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256"],
        ["--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"],
        ["--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"],
        ["--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"],
    ]

    final class Run: Sendable {
        let directory: TemporaryDirectory
        var capture: String { directory.path("tls.pcap").path }
        var keyLog: String { directory.path("keys.log").path }
        let protos: String

        init() async throws {
            directory = try TemporaryDirectory(prefix: "reprise-capture-tls")
            let certificates = try TestCertificates()
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let server = try await DemoServer.start(
                tls: ServerTLSConfiguration(
                    certificateChainPEM: certificates.serverCertificatePEM,
                    privateKeyPEM: certificates.serverKeyPEM),
                group: group)
            let dump = try TCPDump(
                interface: "lo", filter: "tcp port \(server.port)", path: directory.path("tls.pcap").path)
            // A unary hello.HelloService/SayHello with {"greeting":"Bert"}, framed as gRPC.
            let request = try directory.write("request.bin", "")
            try Data([0, 0, 0, 0, 6, 0x0A, 4] + Array("Bert".utf8)).write(to: request)
            for variant in TLSKeyLogCaptureTests.variants {
                let output = try await Subprocess.run(
                    [
                        try Repository.systemTool("curl"), "-sS", "--http2", "--cacert", certificates.file("ca.pem"),
                        "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary",
                        "@\(request.path)", "-o", "/dev/null", "-w", "%{http_code}",
                    ] + variant + ["https://localhost:\(server.port)/hello.HelloService/SayHello"],
                    environment: ["SSLKEYLOGFILE": directory.path("keys.log").path])
                #expect(output.stdoutText == "200", "curl \(variant): \(output.stderrText)")
            }
            try await dump.stop()
            await server.shutdown(gracePeriod: .seconds(1))
            try await group.shutdownGracefully()
            try await Subprocess.check([
                try RepriseExecutable.path(), "demo-server", "--write-protos", directory.path("protos").path,
            ])
            protos = directory.path("protos").path
        }

        var schema: [String] { ["-I", protos, "--proto", "hello/hello.proto"] }
    }

    static let run = Task { try await Run() }

    @Test func everyTLSCallIsDecryptedWithTheKeyLog() async throws {
        let run = try await Self.run.value
        let out = run.directory.path("decrypted.jsonl").path
        let summary = try ImportedRecording.run(run.capture, out: out, run.schema + ["--tls-keylog", run.keyLog])
        let count = Self.variants.count
        #expect(summary.contains("\(count) call(s) recovered (\(count) complete, 0 incomplete)"), "\(summary)")
        #expect(summary.contains("\(count) TLS connection(s) decrypted"), "\(summary)")
        let calls = try ImportedRecording.calls(out)
        #expect(calls.count == count)
        for (key, events) in calls {
            let messages = events.filter { $0["type"]?.stringValue == "message" }
            #expect(messages.first?["json"]?["greeting"]?.stringValue == "Bert", "\(key)")
            #expect(messages.last?["json"]?["reply"]?.stringValue == "hello Bert", "\(key)")
            #expect(events.contains { $0["type"]?.stringValue == "trailers" && $0["code"]?.int64Value == 0 }, "\(key)")
            #expect(
                events.contains { $0["type"]?.stringValue == "end" && $0["outcome"]?.stringValue == "ok" }, "\(key)")
        }
    }

    @Test func withoutTheKeyLogTLSConnectionsAreNamed() async throws {
        let run = try await Self.run.value
        let summary = try ImportedRecording.run(
            run.capture, out: run.directory.path("plain.jsonl").path, run.schema, status: 66)
        #expect(summary.contains("0 call(s) recovered"), "\(summary)")
        #expect(summary.contains("no call recovered from \(run.capture) (see above)"), "\(summary)")
        #expect(summary.contains("\(Self.variants.count) connection(s) not decoded"), "\(summary)")
        #expect(summary.contains("TLS (decrypting it needs the session keys: --tls-keylog FILE)"), "\(summary)")
    }

    @Test func aPartialKeyLogNamesTheMissingSecret() async throws {
        let run = try await Self.run.value
        let full = try String(contentsOfFile: run.keyLog, encoding: .utf8)
        let partial = try run.directory.write(
            "partial.log",
            full.split(separator: "\n").filter { !$0.hasPrefix("SERVER_TRAFFIC_SECRET_0") }.joined(separator: "\n"))
        let summary = try ImportedRecording.run(
            run.capture, out: run.directory.path("partial.jsonl").path, run.schema + ["--tls-keylog", partial.path])
        // The three TLS 1.2 sessions still decrypt; the TLS 1.3 ones stop where the server's keys are missing.
        #expect(summary.contains("3 call(s) recovered (3 complete"), "\(summary)")
        #expect(summary.contains("has no SERVER_TRAFFIC_SECRET_0 in the key log"), "\(summary)")
    }

    @Test func aBrokenKeyLogIsRefusedWithItsLine() async throws {
        let run = try await Self.run.value
        let broken = try run.directory.write("broken.log", "# keys\nCLIENT_RANDOM 00ff 1234\n")
        let output = try await Subprocess.run([
            try RepriseExecutable.path(), "import", run.capture, "--out", run.directory.path("x.jsonl").path,
            "--overwrite", "--tls-keylog", broken.path,
        ])
        #expect(output.status == 66)
        #expect(output.stderrText.contains("broken.log:2: the client random is not 32 bytes of hex"))
    }
}
