import DemoServer
import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// `reprise call`, run as the real binary against Reprise's demo server.
@Suite("reprise call")
struct CallCommandTests {
    func reprise(_ arguments: [String], input: Data = Data()) async throws -> ProcessOutput {
        let executable = try RepriseExecutable.path()
        return try await Subprocess.offThread { try Subprocess.run([executable] + arguments, input: input) }
    }

    func withDemo(_ body: (String) async throws -> Void) async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        do {
            try await body("127.0.0.1:\(server.port)")
        } catch {
            await server.shutdown(gracePeriod: .milliseconds(100))
            throw error
        }
        await server.shutdown(gracePeriod: .milliseconds(100))
    }

    @Test func oneCallByReflectionPrintsTheResponseAndStatus() async throws {
        try await withDemo { address in
            let result = try await reprise([
                "call", "--plaintext", "-d", #"{"greeting":"Bert"}"#, address, "hello.HelloService/SayHello",
            ])
            #expect(result.status == 0, "\(result.stderrText)")
            #expect(try JSONValue(parsing: result.stdout) == ["reply": "hello Bert"])
            #expect(result.stderrText == "status: OK (0)\n")
        }
    }

    @Test func protoFilesMetadataAndGrpcurlMethodSpelling() async throws {
        try await withDemo { address in
            let result = try await reprise(
                [
                    "call", "--plaintext", "-I", DemoFiles.importPath, "--proto", "demo/v1/demo.proto", "-H",
                    "x-token: abc",
                    "-H", "x-blob-bin: AAH/", "-d", "@", address, "demo.v1.Demo.Echo",
                ], input: Data(#"{"text":"hi","number":7}"#.utf8))
            #expect(result.status == 0, "\(result.stderrText)")
            let reply = try JSONValue(parsing: result.stdout)
            #expect(reply["request"]?["number"] == "7")
            #expect(reply["metadata"]?[0] == ["key": "x-token", "value": "abc"])
            #expect(reply["metadata"]?[1] == ["key": "x-blob-bin", "value": "AAH/"])
        }
    }

    @Test(arguments: [(5, 69), (9, 73), (16, 80)])
    func aFailedCallExitsWith64PlusTheCode(_ code: Int, _ exit: Int32) async throws {
        try await withDemo { address in
            let result = try await reprise([
                "call", "--plaintext", "-d", #"{"code":\#(code),"message":"nope"}"#, address, "demo.v1.Demo/Fail",
            ])
            #expect(result.status == exit)
            #expect(result.stdout.isEmpty)
            #expect(result.stderrText.contains("(\(code)): nope"))
            #expect(result.stderrText.contains(#""@type":"type.googleapis.com/google.rpc.ErrorInfo""#))
        }
    }

    @Test func problemsBeforeTheCallExitWithOneAndSayWhat() async throws {
        try await withDemo { address in
            let unknown = try await reprise(["call", "--plaintext", address, "demo.v1.Demo/Nope"])
            #expect(unknown.status == 1)
            #expect(unknown.stderrText.contains(#"method "/demo.v1.Demo/Nope" not found"#))
            let badJSON = try await reprise([
                "call", "--plaintext", "-d", #"{"nope":1}"#, address, "demo.v1.Demo/SayHello",
            ])
            #expect(badJSON.status == 1)
            #expect(badJSON.stderrText.contains("nope"), "\(badJSON.stderrText)")
        }
        let refused = try await reprise(["call", "--plaintext", "127.0.0.1:1", "demo.v1.Demo/SayHello"])
        #expect(refused.status == 1)
        #expect(refused.stderrText.contains("refused"), "\(refused.stderrText)")
        let badFlags = try await reprise(["call", "--plaintext", "--insecure", "127.0.0.1:1", "a.B/C"])
        #expect(badFlags.status != 0 && badFlags.stderrText.contains("--plaintext does not combine"))
    }

    @Test func loadModeReportsCallsAndPercentilesAsJSON() async throws {
        try await withDemo { address in
            let result = try await reprise([
                "call", "--plaintext", "-n", "300", "-c", "8", "--connections", "2", "--json", "-d",
                #"{"greeting":"x"}"#, address, "hello.HelloService/SayHello",
            ])
            #expect(result.status == 0, "\(result.stderrText)")
            let report = try JSONValue(parsing: result.stdout)
            #expect(report["calls"] == 300 && report["ok"] == 300 && report["failed"] == 0)
            #expect(report["statuses"] == ["OK": 300])
            let latency = try #require(report["latencyMs"])
            let p50 = try #require(latency["p50"]?.doubleValue)
            let p99 = try #require(latency["p99"]?.doubleValue)
            let max = try #require(latency["max"]?.doubleValue)
            #expect(0 < p50 && p50 <= p99 && p99 <= max)
        }
    }

    /// `reprise call ... | head -c 20` on a large answer: the reader goes, and the call ends quietly with
    /// 141, SIGPIPE's status (swift-nio ignores the signal itself); it used to trap with a backtrace.
    @Test func anAnswerToAClosedPipeEndsTheCallQuietly() async throws {
        try await withDemo { address in
            let ended = try Subprocess.runWithoutAReader([
                try RepriseExecutable.path(), "call", "--plaintext", "--max-msg-size", "2000000", "-d",
                #"{"size":1000000}"#, address, "demo.v1.Demo/Blob",
            ])
            #expect(!ended.signalled && ended.status == 141, "\(ended)")
            #expect(ended.stderr.isEmpty, "\(ended)")
        }
    }

    @Test func aFailedThresholdExitsWith99AndTheSummaryIsExported() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-call")
        let summary = directory.path("summary.json")
        let samples = directory.path("samples.json")
        let rows = directory.path("samples.csv")
        try await withDemo { address in
            let result = try await reprise([
                "call", "--plaintext", "-n", "40", "-c", "4", "-d", #"{"code":5}"#, address, "demo.v1.Demo/Fail",
                "--threshold", "grpc_req_failed=rate<0.01", "--threshold", "grpc_reqs=count==40",
                "--summary-export", summary.path, "--out", "json=\(samples.path)", "--out", "csv=\(rows.path)",
            ])
            #expect(result.status == 99, "\(result.stdoutText)\n\(result.stderrText)")
            #expect(result.stderrText.contains("thresholds on metrics 'grpc_req_failed' have been crossed"))
            #expect(result.stdoutText.contains("grpc_req_duration"))
            #expect(result.stdoutText.contains("40 calls in"))
            let exported = try JSONValue(parsing: try Data(contentsOf: summary))
            #expect(exported["metrics"]?["grpc_reqs"]?["values"]?["count"] == 40)
            let lines = try String(contentsOf: samples, encoding: .utf8).split(separator: "\n")
            let points = lines.filter {
                $0.contains(#""type":"Point""#) && $0.contains(#""metric":"grpc_req_duration""#)
            }
            #expect(points.count == 40)
            #expect(points.allSatisfy { $0.contains(#""status":"5""#) && $0.contains(#""method":"Fail""#) })
            // The same samples as k6's CSV rows: status and method in their columns.
            let csv = try String(contentsOf: rows, encoding: .utf8).split(separator: "\n")
            let header = csv.first?.split(separator: ",", omittingEmptySubsequences: false) ?? []
            let durations = csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .filter { $0.first == "grpc_req_duration" }
            #expect(durations.count == 40)
            let status = try #require(header.firstIndex(of: "status"))
            let method = try #require(header.firstIndex(of: "method"))
            #expect(durations.allSatisfy { $0.count == header.count && $0[status] == "5" && $0[method] == "Fail" })

            let passing = try await reprise([
                "call", "--plaintext", "-n", "20", "-c", "2", address, "hello.HelloService/SayHello",
                "--threshold", "grpc_req_failed=rate<0.01", "--threshold", "grpc_reqs=count==20",
            ])
            #expect(passing.status == 0, "\(passing.stdoutText)\n\(passing.stderrText)")
        }
    }

    @Test func summaryTrendStatsAndTimeUnitShapeTheSummaryAndItsExport() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-call")
        let summary = directory.path("summary.json")
        try await withDemo { address in
            let result = try await reprise([
                "call", "--plaintext", "-n", "30", "-c", "3", address, "hello.HelloService/SayHello",
                "--summary-trend-stats", "avg,p(99.9),count", "--summary-time-unit", "us",
                "--summary-export", summary.path,
            ])
            #expect(result.status == 0, "\(result.stdoutText)\n\(result.stderrText)")
            let line = result.stdoutText.split(separator: "\n").first { $0.contains("grpc_req_duration") }
            let columns = line.map { $0.split(separator: ":", maxSplits: 1)[1].split(separator: " ") } ?? []
            #expect(columns.map { $0.split(separator: "=").first ?? "" } == ["avg", "p(99.9)", "count"])
            #expect(columns.first?.hasSuffix("µs") == true, "\(line ?? "no grpc_req_duration line")")
            #expect(columns.last == "count=30")
            let exported = try JSONValue(parsing: try Data(contentsOf: summary))
            let values = exported["metrics"]?["grpc_req_duration"]?["values"]
            #expect(values?["count"] == 30)
            #expect(values?["p(99.9)"] != nil)
            #expect(values?["med"] == nil)
            #expect(exported["options"]?["summaryTimeUnit"] == "us")
        }

        let wrongStat = try await reprise([
            "call", "-n", "3", "--summary-trend-stats", "p99", "127.0.0.1:1", "hello.HelloService/SayHello",
        ])
        #expect(wrongStat.status == 64)
        #expect(wrongStat.stderrText.contains("--summary-trend-stats: invalid trend stat 'p99'"))
        // --metrics-listen on a port that is taken (the demo server's): the flag to change is named (call exits
        // 1 as grpcurl does when the call cannot be made).
        try await withDemo { address in
            let port = String(address.split(separator: ":").last!)
            let taken = try await reprise([
                "call", "--plaintext", "-n", "3", "--metrics-listen", port, address, "hello.HelloService/SayHello",
            ])
            #expect(taken.status == 1, "\(taken.stderrText)")
            #expect(taken.stderrText.contains("already in use"), "\(taken.stderrText)")
            #expect(taken.stderrText.contains("pick another port with --metrics-listen"), "\(taken.stderrText)")
            let served = try await reprise([
                "call", "--plaintext", "-n", "3", "--metrics-listen", "0", address, "hello.HelloService/SayHello",
            ])
            #expect(served.status == 0, "\(served.stderrText)")
            #expect(served.stderrText.contains("reprise call: metrics for Prometheus at http://127.0.0.1:"))
        }
        let notLoad = try await reprise(["call", "--summary-time-unit", "ms", "127.0.0.1:1", "x.Y/Z"])
        #expect(notLoad.status == 64)
        #expect(notLoad.stderrText.contains("need load mode"))
    }

    @Test func tlsFlagsMirrorTheConnectParams() async throws {
        let pki = try TestCertificates()
        var tls = ServerTLSConfiguration(
            certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM)
        tls.clientCertificates = .required
        tls.trustedCAsPEM = [pki.caPEM]
        let server = try await DemoServer.start(tls: tls, group: MultiThreadedEventLoopGroup.singleton)
        let address = "127.0.0.1:\(server.port)"
        let method = "hello.HelloService/SayHello"
        let mutual = ["--cert", pki.file("client.pem"), "--key", pki.file("client.key")]
        let trusted = try await reprise(["call", "--cacert", pki.file("ca.pem")] + mutual + [address, method])
        #expect(trusted.status == 0, "\(trusted.stderrText)")
        let named = try await reprise(
            ["call", "--cacert", pki.file("ca.pem"), "--authority", "localhost"] + mutual + [address, method])
        #expect(named.status == 0, "\(named.stderrText)")
        // Verification is on by default: a server whose CA is not trusted is refused without --insecure.
        let unverified = try await reprise(["call"] + mutual + [address, method])
        #expect(unverified.status == 1)
        #expect(unverified.stderrText.contains("x509"), "\(unverified.stderrText)")
        let insecure = try await reprise(["call", "--insecure"] + mutual + [address, method])
        #expect(insecure.status == 0, "\(insecure.stderrText)")
        let untrusted = try await reprise(["call", "--cacert", pki.file("other-ca.pem")] + mutual + [address, method])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderrText.contains("x509"), "\(untrusted.stderrText)")
        let anonymous = try await reprise(["call", "--cacert", pki.file("ca.pem"), address, method])
        #expect(anonymous.status == 1, "\(anonymous.stderrText)")
        await server.shutdown(gracePeriod: .milliseconds(100))
    }
}

@Suite("reprise call on streaming methods")
struct CallCommandStreamTests {
    @Test func everyStreamingKindPrintsEachMessage() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let address = "127.0.0.1:\(server.port)"
        let executable = try RepriseExecutable.path()
        func reprise(_ arguments: [String]) async throws -> ProcessOutput {
            try await Subprocess.offThread { try Subprocess.run([executable, "call", "--plaintext"] + arguments) }
        }
        let countdown = try await reprise(["-d", #"{"from":3}"#, address, "demo.v1.Demo/Countdown"])
        #expect(countdown.status == 0, "\(countdown.stderrText)")
        #expect(countdown.stdoutText.filter { $0 == "{" }.count == 3)
        #expect(countdown.stdoutText.contains(#""number": 1"#) || countdown.stdoutText.contains(#""number":1"#))
        let sum = try await reprise(["-d", #"[{"value":2},{"value":5}]"#, address, "demo.v1.Demo/Sum"])
        #expect(sum.status == 0, "\(sum.stderrText)")
        let total = try JSONValue(parsing: sum.stdout)
        #expect(total["total"] == "7" && total["count"] == 2)
        let chat = try await reprise(["-d", #"[{"text":"a"},{"text":"b"}]"#, address, "demo.v1.Demo/Chat"])
        #expect(chat.status == 0 && chat.stdoutText.contains("echo: b"), "\(chat.stderrText)")
        // grpcurl's way: JSON objects one after another, each a message; none sends none.
        let objects = try await reprise([
            "-d", "{\"value\":2}\n{\"value\":5} {\"value\":1}", address, "demo.v1.Demo/Sum",
        ])
        #expect(objects.status == 0, "\(objects.stderrText)")
        let objectsTotal = try JSONValue(parsing: objects.stdout)
        #expect(objectsTotal["total"] == "8" && objectsTotal["count"] == 3)
        let none = try await reprise(["-d", "", address, "demo.v1.Demo/Sum"])
        #expect(none.status == 0, "\(none.stderrText)")
        #expect(try JSONValue(parsing: none.stdout)["count"] == 0)
        let broken = try await reprise(["-d", #"{"value":2} {"value":"#, address, "demo.v1.Demo/Sum"])
        #expect(broken.status == 1)
        #expect(broken.stderrText.contains("invalid JSON: line 1, column 22"), "\(broken.stderrText)")
        let late = try await reprise(
            ["--max-time", "0.2", "-d", #"{"from":50,"interval_ms":1000}"#, address, "demo.v1.Demo/Countdown"])
        #expect(late.status == 64 + 4, "\(late.stderrText)")
        #expect(late.stderrText.contains("DEADLINE_EXCEEDED (4)"))
        let load = try await reprise(["-n", "3", address, "demo.v1.Demo/Chat"])
        #expect(load.status == 1 && load.stderrText.contains("load mode (-n) calls unary methods"))
        await server.shutdown(gracePeriod: .milliseconds(100))
    }
}
