import Foundation
import GRPCWire
import ProtoCodec
import TestSupport
import Testing

/// `reprise replay` as users run it: exit statuses, the report, and errors that name the place.
@Suite(.timeLimit(.minutes(2))) struct ReplayCommandTests {
    private func reprise(_ arguments: [String]) async throws -> ProcessOutput {
        try await Subprocess.run([try RepriseExecutable.path()] + arguments, timeout: .seconds(60))
    }

    /// The golden recording with SayHello's recorded answer changed to "Hello, Reprize!" (JSON and bytes), so
    /// a replay against the demo server differs in `responses[0].message`.
    private static func goldenWithAnotherGreeting(in directory: TemporaryDirectory) throws -> URL {
        try directory.write(
            "edited.jsonl",
            try String(contentsOfFile: GoldenRecording.path, encoding: .utf8)
                .replacingOccurrences(of: "Cg9IZWxsbywgUmVwcmlzZSE=", with: "Cg9IZWxsbywgUmVwcml6ZSE=")
                .replacingOccurrences(of: #""Hello, Reprise!""#, with: #""Hello, Reprize!""#))
    }

    @Test func aMatchingReplayExitsZeroAndWritesAReport() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-replay")
        let report = directory.path("report.html").path
        let results = directory.path("results.jsonl").path
        let output = try await reprise([
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--speed", "20", "--quiet",
            "--report", report, "--results", results,
        ])
        await target.stop()
        #expect(output.status == 0, "\(output.stderrText)")
        #expect(output.stdoutText.contains("golden check: every call matches the recording"))
        #expect(output.stdoutText.contains("✓ status is as recorded"))
        // `vus` of an open schedule is the most calls in flight in each second; this run is shorter than one.
        let vus = try #require(output.stdoutText.split(separator: "\n").first { $0.contains(" vus.") })
        #expect(!vus.hasSuffix("max=0") && !vus.contains("max=0 "), "\(vus)")
        // The recording's SayHello went out with an authorization header, recorded as [redacted].
        #expect(
            output.stderrText.contains(
                "1 of 8 calls were recorded with their request's metadata authorization redacted: they go out "
                    + "without them, so their answers may differ; give metadata with -H 'key: value'"),
            "\(output.stderrText)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("Latency over time"))
        // The Sleep call's client gave up at its deadline: the results say so, in the check's words.
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        let sleep = try #require(
            try lines.map { try JSONValue(parsing: String($0)) }.first { $0["method"] == "demo.v1.Demo/Sleep" })
        #expect(sleep["verdict"] == "matched")
        #expect(sleep["recorded"]?["code"] == .null)
        #expect(sleep["recorded"]?["status"] == "no status (the deadline passed first)")
    }

    /// A call replayed many times (a rate schedule loops over the recording) differs the same way each time:
    /// the terminal shows one example, the JUnit failure names the iterations once, and the report's table
    /// of differing calls has one row with how often.
    @Test func aCallThatDiffersTheSameWayEachIterationIsShownOnce() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-replay-repeat")
        let edited = try Self.goldenWithAnotherGreeting(in: directory)
        let report = directory.path("report.html").path
        let junit = directory.path("junit.xml").path
        let output = try await reprise([
            "replay", edited.path, "--target", target.address, "--plaintext", "--rate", "200", "--iterations", "24",
            "--quiet", "--report", report, "--junit", junit,
        ])
        await target.stop()
        #expect(output.status == 1, "\(output.stderrText)")
        let example = #"call 1, iteration 0: recorded "Hello, Reprize!", replayed "Hello, Reprise!""#
        #expect(
            output.stdoutText.contains("field responses[0].message: differs in 3 of 3 calls"), "\(output.stdoutText)")
        #expect(output.stdoutText.components(separatedBy: "recorded \"Hello, Reprize!\"").count == 2)
        #expect(output.stdoutText.contains(example), "\(output.stdoutText)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"differs from the recording in 3 of 3 iterations" type="golden">iterations 0, 8, 16:"#))
        #expect(xml.components(separatedBy: "responses[0].message").count == 2, "\(xml)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains(#"<tr><td>1</td><td class="num">3</td><td><code>demo.v1.Demo/SayHello</code></td>"#))
        #expect(html.components(separatedBy: "<td>1</td>").count == 2)
    }

    /// Redacted request fields are named before the run; redacted metadata given again with -H is not.
    @Test func redactedRequestsAreNamedUnlessGivenAgain() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-replay-redacted")
        let text = try String(contentsOfFile: GoldenRecording.path, encoding: .utf8)
        let marked = try #require(text.range(of: #""call":1,"dir":"request","#))
        let edited = try directory.write(
            "redacted.jsonl",
            text.replacingCharacters(
                in: marked, with: #""call":1,"dir":"request","redacted":["demo.v1.HelloRequest.name"],"#))
        let output = try await reprise([
            "replay", edited.path, "--target", target.address, "--plaintext", "--speed", "20", "--quiet", "-H",
            "Authorization: Bearer t",
        ])
        await target.stop()
        #expect(output.status == 0, "\(output.stderrText)")
        #expect(
            output.stderrText.contains(
                "1 of 8 calls were recorded with their request's fields demo.v1.HelloRequest.name redacted: they go "
                    + "out without them, so their answers may differ\n"),
            "\(output.stderrText)")
        #expect(!output.stderrText.contains("metadata authorization"))
    }

    /// `--metrics-listen` serves the run's metrics for Prometheus while it lasts: a scrape in the middle
    /// parses with prometheus_client and counts the calls made so far; the endpoint closes with the run.
    @Test func metricsListenServesLiveMetricsForPrometheus() async throws {
        let target = try await DemoTarget.start()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RepriseExecutable.path())
        process.arguments = [
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--rate", "40", "--duration",
            "3s", "--no-check", "--quiet", "--metrics-listen", "0",
        ]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let url = try #require(stderr.readLine(after: "metrics for Prometheus at "))
        #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/metrics"), "\(url)")
        try await Task.sleep(for: .milliseconds(1500))
        let scrape = """
            import sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            body = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
            calls = sum(s.value for f in text_string_to_metric_families(body) if f.name == "reprise_grpc_reqs"
                        for s in f.samples if s.name == "reprise_grpc_reqs_total")
            print(int(calls))
            """
        let live = try await Subprocess.check([try Repository.python(), "-c", scrape, url])
        let counted = try #require(Int(live.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(counted > 0 && counted < 120, "calls counted mid-run: \(counted)")
        process.waitUntilExit()
        await target.stop()
        #expect(process.terminationStatus == 0)
        let after = try await Subprocess.run([try Repository.python(), "-c", scrape, url])
        #expect(after.status != 0, "the endpoint outlived the run")
    }

    @Test func oneCallIsCountedInTheSingular() async throws {
        let target = try await DemoTarget.start()
        let output = try await reprise([
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--vus", "1", "--iterations",
            "1", "--no-check", "--quiet",
        ])
        await target.stop()
        #expect(output.status == 0, "\(output.stderrText)")
        #expect(output.stdoutText.contains("\nreplayed 1 call in "), "\(output.stdoutText)")
    }

    @Test func theHelpListsTheExitCodes() async throws {
        let output = try await reprise(["replay", "--help"])
        for code in [
            "0 every call matched", "1 calls differ", "64 usage", "66 unreadable", "69 target unreachable",
            "99 thresholds", "130 interrupted",
        ] {
            #expect(output.stdoutText.replacingOccurrences(of: "\n", with: " ").contains(code), "\(code)")
        }
    }

    @Test func aDifferenceExitsOneAndIsPrinted() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-replay")
        let hello = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/SayHello").first)
        let lines = try GoldenRecording.editedLines(GoldenRecording.helloAnswers("Eve", call: hello))
        let edited = try directory.write("edited.jsonl", lines.joined(separator: "\n") + "\n").path
        let output = try await reprise([
            "replay", edited, "--target", target.address, "--plaintext", "--speed", "20", "--quiet",
        ])
        await target.stop()
        #expect(output.status == 1)
        #expect(output.stdoutText.contains("field responses[0].message: differs in 1 of"), "\(output.stdoutText)")
        #expect(output.stdoutText.contains(#"call 1: recorded "Hello, Eve!", replayed "Hello, Reprise!""#))
    }

    @Test func aBrokenRecordingNamesTheLine() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-replay")
        var lines = try GoldenRecording.lines()
        lines[3] = "{\"type\":\"message\",\"t\":"
        let broken = try directory.write("broken.jsonl", lines.joined(separator: "\n") + "\n").path
        let output = try await reprise(["replay", broken, "--target", "127.0.0.1:1", "--plaintext"])
        #expect(output.status == 66)
        #expect(output.stderrText.contains("broken.jsonl:4"), "\(output.stderrText)")
    }

    @Test(arguments: [
        ["--speed", "0"], ["--speed", "2", "--rate", "5"], ["--iterations", "3"],
        ["--rate", "5", "--duration", "soon"],
        ["--stage", "30s"], ["--ignore", "a..b"], ["--segment", "4/4"], ["--segment", "1of4"],
        ["--execution-segment", "1/3:3/4"], ["--segment", "0/2", "--execution-segment", "0:1/2"], ["--tick", "soon"],
        ["--connections", "0"], ["--vus", "2", "--duration", "0s"], ["--metrics-listen", "70000"],
        ["--fresh-connections", "--connections", "2"], ["--fresh-connections", "--vus", "2"],
    ])
    func badFlagsAreUsageErrors(flags: [String]) async throws {
        let output = try await reprise(
            ["replay", GoldenRecording.path, "--target", "127.0.0.1:1", "--plaintext"] + flags)
        #expect(output.status == 64, "\(output.stderrText)")
        #expect(output.stderrText.contains("Error:"))
    }

    @Test func aServerThatIsNotThereIsAClearError() async throws {
        let output = try await reprise([
            "replay", GoldenRecording.path, "--target", "127.0.0.1:1", "--plaintext", "--quiet",
        ])
        #expect(output.status == 69)
        #expect(output.stderrText.contains("Error: connection refused by 127.0.0.1:1:"), "\(output.stderrText)")
        #expect(output.stderrText.components(separatedBy: "127.0.0.1:1").count == 2, "\(output.stderrText)")
    }

    /// A field that changes each call passes a `matches` rule when the replayed value has the shape, and
    /// fails it, naming the expression, when it does not.
    @Test func aMatchRuleLetsAValueOfTheRightShapeThrough() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-replay-matches")
        let edited = try Self.goldenWithAnotherGreeting(in: directory)
        let shape = try directory.write(
            "shape.yaml",
            "methods:\n  demo.v1.Demo/SayHello:\n    matches:\n      - {path: message, regex: 'Hello, \\w+!'}\n")
        let exact = try directory.write(
            "exact.yaml", "matches:\n  - path: \"responses[*].message\"\n    regex: 'Hello, Reprize!'\n")
        let passes = try await reprise([
            "replay", edited.path, "--target", target.address, "--plaintext", "--speed", "20", "--quiet", "--rules",
            shape.path,
        ])
        let fails = try await reprise([
            "replay", edited.path, "--target", target.address, "--plaintext", "--speed", "20", "--quiet", "--rules",
            exact.path,
        ])
        await target.stop()
        #expect(passes.status == 0, "\(passes.stdoutText)\(passes.stderrText)")
        #expect(passes.stdoutText.contains("golden check: every call matches the recording"))
        #expect(fails.status == 1, "\(fails.stderrText)")
        #expect(
            fails.stdoutText.contains(
                #"recorded "Hello, Reprize!" (the rules want a match of /Hello, Reprize!/), replayed "Hello, Reprise!""#
            ),
            "\(fails.stdoutText)")
    }

    /// A capture of many one-call clients replays on as many connections as it had in use at once, not one
    /// each opened at the start; and a shell's low soft limit of open files does not stop a run that asks
    /// for many connections (Reprise raises it to the hard limit at start, as every Go program does).
    @Test func manyOneCallClientsReplayWithinALowOpenFileLimit() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        for index in 0..<300 { script.unary("/witness.W/Unary", at: Int64(index) * 100_000, connection: index + 1) }
        let directory = try TemporaryDirectory(prefix: "reprise-replay-clients")
        let recording = try directory.write("clients.jsonl", script.text)
        let replay =
            "exec '\(try RepriseExecutable.path())' replay '\(recording.path)' --target \(server.address) --plaintext "
            + "--no-check --speed 10"
        let asRecorded = try await Subprocess.run(
            ["/bin/sh", "-c", "ulimit -Sn 64 && \(replay)"], timeout: .seconds(60))
        let spread = try await Subprocess.run(
            ["/bin/sh", "-c", "ulimit -Sn 64 && \(replay) --connections 200 --quiet"], timeout: .seconds(60))
        let ports = server.calls.compactMap(\.clientPort)
        await server.stop()
        #expect(asRecorded.status == 0, "\(asRecorded.stderrText)")
        #expect(
            asRecorded.stderrText.contains(
                "as recorded, 10x speed, 1 connection (the most of its 300 recorded connections in use at once)"),
            "\(asRecorded.stderrText)")
        // 200 connections, all opened before the first call: past a soft limit of 64 files.
        #expect(spread.status == 0, "\(spread.stderrText)")
        #expect(ports.count == 600)
        #expect(Set(ports.prefix(300)).count == 1)
    }

    /// With `--fresh-connections` the recorded clients come and go as recorded: recorded again through
    /// `reprise record`, the replay's recording has the same connections, call for call, though the
    /// recorded connections came faster (10 µs apart at 10x) than connections open.
    @Test func freshConnectionsRecordedAgainThroughTheProxyHaveTheRecordingsConnections() async throws {
        let server = try await WitnessServer.start()
        var script = ScriptedRecording()
        // 20 clients one after another, two calls each.
        for index in 0..<40 { script.unary("/witness.W/Unary", at: Int64(index) * 100_000, connection: index / 2 + 1) }
        let directory = try TemporaryDirectory(prefix: "reprise-replay-fresh")
        let recording = try directory.write("clients.jsonl", script.text)
        let again = directory.path("again.jsonl").path
        let proxy = try RecordProcess(upstreamPort: server.server.port, out: again)
        let output = try await reprise([
            "replay", recording.path, "--target", proxy.target, "--plaintext", "--speed", "10", "--fresh-connections",
        ])
        proxy.send(SIGINT)
        let recordStatus = await proxy.exitStatus()
        await server.stop()
        #expect(output.status == 0, "\(output.stderrText)")
        #expect(
            output.stderrText.contains("1 connection at a time, a fresh one for each of its 20 recorded connections"),
            "\(output.stderrText)")
        #expect(output.stdoutText.contains("connections: 19 more opened fresh"), "\(output.stdoutText)")
        #expect(recordStatus == 0, "\(proxy.stderrText)")
        #expect(!proxy.stderrText.contains("warning"), "\(proxy.stderrText)")
        var connections: [Int64] = []
        for line in proxy.recordingText.split(separator: "\n") {
            let value = try JSONValue(parsing: String(line))
            if value["type"]?.stringValue == "call", let connection = value["conn"]?.int64Value {
                connections.append(connection)
            }
        }
        let recorded: [Int64] = (0..<40).map { Int64($0 / 2 + 1) }
        #expect(connections == recorded, "\(connections)")
    }

    @Test func theFirstInterruptStopsNewCallsAndStillPrintsTheSummary() async throws {
        let target = try await DemoTarget.start()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RepriseExecutable.path())
        process.arguments = [
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--vus", "2", "--duration",
            "60s", "--quiet",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        try await Task.sleep(for: .seconds(2))
        kill(process.processIdentifier, SIGINT)
        let (status, text) = try await Subprocess.offThread {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        await target.stop()
        // The summary is written, but an interrupted run never passes.
        #expect(status == 130)
        #expect(text.contains("stopped early"))
        #expect(text.contains("✓ status is as recorded"))
    }

    /// Protos given for a recording decoded with others: the replay says up front where they read it
    /// differently; the same protos say nothing.
    @Test func protosThatReadTheRecordingDifferentlyAreNamed() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-drift")
        let protos = Repository.fixture("protos/demo").path
        try FileManager.default.copyItem(atPath: protos, toPath: directory.path("protos").path)
        let edited = directory.path("protos/demo/v1/demo.proto").path
        let text = try String(contentsOfFile: edited, encoding: .utf8)
        try text.replacingOccurrences(of: "message HelloRequest {", with: "message HelloRequest {\n  string mood = 9;")
            .write(toFile: edited, atomically: true, encoding: .utf8)
        let drifted = try await reprise([
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--speed", "20", "-I",
            directory.path("protos").path, "--proto", "demo/v1/demo.proto",
        ])
        let same = try await reprise([
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--speed", "20", "-I", protos,
            "--proto", "demo/v1/demo.proto",
        ])
        await target.stop()
        #expect(drifted.status == 0, "\(drifted.stderrText)")
        #expect(
            drifted.stderrText.contains(
                "the schema given reads the recording differently from the one it was decoded with"),
            "\(drifted.stderrText)")
        #expect(drifted.stderrText.contains("demo.v1.HelloRequest: field 9 mood added"), "\(drifted.stderrText)")
        #expect(same.status == 0, "\(same.stderrText)")
        #expect(!same.stderrText.contains("reads the recording differently"), "\(same.stderrText)")
    }

    @Test func aRecordingWithoutASchemaReplaysWithProtoFiles() async throws {
        let target = try await DemoTarget.start()
        let raw = Repository.root.appendingPathComponent("recordings/demo-raw.jsonl").path
        let protos = Repository.fixture("protos/demo").path
        let output = try await reprise([
            "replay", raw, "--target", target.address, "--plaintext", "--speed", "20", "--quiet", "-I", protos,
            "--proto", "demo/v1/demo.proto",
        ])
        // Without a schema the calls go out as recorded, their kinds read off the messages, and the check
        // compares bytes: the same answers match, a changed one is a difference, and the replay says what
        // would give field-level checks.
        let bytewise = try await reprise([
            "replay", raw, "--target", target.address, "--plaintext", "--speed", "20", "--quiet",
        ])
        let directory = try TemporaryDirectory(prefix: "reprise-raw")
        let edited = try directory.write(
            "edited.jsonl",
            try String(contentsOfFile: raw, encoding: .utf8).replacingOccurrences(
                of: "Cg9IZWxsbywgUmVwcmlzZSE=", with: "Cg9IZWxsbywgUmVwcml6ZSE="))
        let differs = try await reprise([
            "replay", edited.path, "--target", target.address, "--plaintext", "--speed", "20", "--quiet",
        ])
        await target.stop()
        #expect(output.status == 0, "\(output.stderrText)")
        #expect(output.stdoutText.contains("golden check: every call matches the recording"))
        #expect(!output.stderrText.contains("in no schema"), "\(output.stderrText)")
        #expect(bytewise.status == 0, "\(bytewise.stderrText)")
        #expect(bytewise.stdoutText.contains("golden check: every call matches the recording"))
        #expect(
            bytewise.stderrText.contains(
                "8 methods are in no schema (demo.v1.Demo/SayHello, demo.v1.Demo/Echo, demo.v1.Demo/Countdown, "
                    + "demo.v1.Demo/Sum, demo.v1.Demo/Chat and 3 more): their calls go out as recorded and their "
                    + "messages are compared byte for byte; for field-level checks, give -I/--proto or --protoset"),
            "\(bytewise.stderrText)")
        #expect(differs.status == 1, "\(differs.stderrText)")
        #expect(differs.stdoutText.contains("SayHello"), "\(differs.stdoutText)")
    }
}
