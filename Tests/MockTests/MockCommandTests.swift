import DemoServer
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import TestSupport
import Testing

/// `reprise mock` as a user runs it: the example recording served over TLS from the local CA, a matched
/// call and a miss, then SIGINT and the summary.
@Suite(.timeLimit(.minutes(2))) struct MockCommandTests {
    @Test func theCommandServesTheExampleRecordingOverTLSAndSummarisesAtExit() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-mock-cli")
        let caDirectory = directory.path("ca").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RepriseExecutable.path())
        process.arguments = [
            "mock", Repository.root.appendingPathComponent("recordings/demo.jsonl").path, "--listen", "127.0.0.1:0",
            "--tls-local-ca", "--ca-dir", caDirectory, "--threads", "1",
        ]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var printed = Data()
        var port: Int?
        while port == nil {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed.append(chunk)
            let text = String(decoding: printed, as: UTF8.self)
            if let range = text.range(of: "listening on 127.0.0.1:") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
        let listening = try #require(port, "\(String(decoding: printed, as: UTF8.self))")
        #expect(String(decoding: printed, as: UTF8.self).contains("(TLS)"))

        let caPEM = try String(contentsOfFile: "\(caDirectory)/ca.pem", encoding: .utf8)
        let connection = try await ClientConnection.connect(
            host: "127.0.0.1", port: listening,
            configuration: .defaults { $0.tls = .defaults { $0.caCertificatesPEM = [caPEM] } }, group: testGroup)
        let hello = MockFixtures.demo("demo.v1.HelloRequest", #"{"name":"Reprise"}"#)
        let matched = await connection.unary(path: "/demo.v1.Demo/SayHello", request: hello)
        let missed = await connection.unary(
            path: "/demo.v1.Demo/SayHello", request: MockFixtures.demo("demo.v1.HelloRequest", #"{"name":"Nobody"}"#))
        await connection.close()

        #expect(matched.result.status.isOK)
        #expect(MockFixtures.json("demo.v1.HelloReply", matched.message)?["message"] == "Hello, Reprise!")
        #expect(matched.result.headers.first("x-team") == "blue")
        #expect(missed.result.status.code == .notFound)

        // Without the CA, a client of Reprise's own is told which flag trusts it.
        let recording = Repository.root.appendingPathComponent("recordings/demo.jsonl").path
        let hint = "certificate signed by unknown authority; trust the server's CA with --cacert FILE"
        for command in [
            ["call", "127.0.0.1:\(listening)", "demo.v1.Demo/SayHello"],
            ["replay", recording, "--target", "127.0.0.1:\(listening)"],
        ] {
            let refused = try await Subprocess.run([try RepriseExecutable.path()] + command, timeout: .seconds(60))
            #expect(refused.status != 0)
            #expect(refused.stderrText.contains(hint), "\(command[0]): \(refused.stderrText)")
            #expect(!refused.stderrText.contains("tls cacerts"))
        }
        // A recording proxy in front of it says the same in record's flags, and checks the name asked for.
        let proxies: [([String], String)] = [
            (["--upstream-tls"], "unknown authority; its calls get UNAVAILABLE; trust its CA with --upstream-ca FILE"),
            // A server name means TLS, as each --upstream-* flag does (it used to be ignored over plaintext).
            (
                ["--upstream-server-name", "localhost"],
                "unknown authority; its calls get UNAVAILABLE; trust its CA with --upstream-ca FILE"
            ),
            (
                ["--upstream-ca", "\(caDirectory)/ca.pem", "--upstream-server-name", "wrong.example"],
                "not wrong.example; its calls get UNAVAILABLE; give the name its certificate has with "
                    + "--upstream-server-name NAME"
            ),
        ]
        for (index, (arguments, advice)) in proxies.enumerated() {
            let record = try RecordProcess(
                upstreamPort: listening, out: directory.path("proxied-\(index).jsonl").path, arguments: arguments)
            let proxied = try await Subprocess.run(
                [try RepriseExecutable.path(), "call", "--plaintext", record.target, "demo.v1.Demo/SayHello"],
                timeout: .seconds(60))
            #expect(proxied.status != 0)
            record.send(SIGINT)
            #expect(await record.exitStatus() == 0)
            #expect(record.stderrText.contains(advice), "\(arguments): \(record.stderrText)")
        }

        kill(process.processIdentifier, SIGINT)
        let rest = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(errors)")
        #expect(errors.contains("mock: miss: no recorded call of /demo.v1.Demo/SayHello matches"), "\(errors)")
        let summary = String(decoding: rest, as: UTF8.self)
        #expect(
            summary.contains(#""/demo.v1.Demo/SayHello":{"matched":1,"missed":1,"passed_through":0,"served":2}"#),
            "\(summary)")
    }

    /// `--passthrough-*` reach a real server over TLS (mutual, here) as `record`'s `--upstream-*` do; without
    /// the CA the mock does not start, and says which flag trusts it.
    @Test func passthroughReachesATLSServerWithItsFlags() async throws {
        let pki = try TestCertificates()
        var tls = ServerTLSConfiguration(certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM)
        tls.clientCertificates = .required
        tls.trustedCAsPEM = [pki.caPEM]
        let server = try await DemoServer.start(tls: tls, group: testGroup)
        let recording = Repository.root.appendingPathComponent("recordings/demo.jsonl").path
        let executable = try RepriseExecutable.path()
        let base = ["mock", recording, "--listen", "127.0.0.1:0", "--passthrough", "127.0.0.1:\(server.port)"]

        let untrusted = try await Subprocess.run([executable] + base + ["--passthrough-tls"], timeout: .seconds(60))
        #expect(untrusted.status == 69, "\(untrusted.stderrText)")
        #expect(
            untrusted.stderrText.contains("unknown authority; trust its CA with --passthrough-ca FILE"),
            "\(untrusted.stderrText)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            base + [
                "--passthrough-ca", pki.file("ca.pem"), "--passthrough-server-name", "localhost", "--passthrough-cert",
                pki.file("client.pem"), "--passthrough-key", pki.file("client.key"),
            ]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let listening = try #require(stdout.readLine(after: "listening on 127.0.0.1:"))
        let port = try #require(Int(listening.prefix { $0.isNumber }))
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: port, group: testGroup)
        let missed = await connection.unary(
            path: "/demo.v1.Demo/SayHello", request: MockFixtures.demo("demo.v1.HelloRequest", #"{"name":"Nobody"}"#))
        await connection.close()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        await server.shutdown()
        #expect(missed.result.status.isOK, "\(missed.result.status)")
        #expect(MockFixtures.json("demo.v1.HelloReply", missed.message)?["message"] == "Hello, Nobody!")
    }
}
