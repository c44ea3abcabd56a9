import Foundation
import ProtoCodec
import TestSupport
import Testing

/// The golden check as a CI job uses it, against a grpcio server whose behaviour the test switches: each
/// change is caught and named by the same path in the terminal, `--results` and `--junit`; rules (learned,
/// sets, tolerances) pass what they should and no more; `--update` accepts a change; exit codes tell the
/// outcomes apart.
@Suite(.timeLimit(.minutes(3))) struct GoldenCITests {
    /// What a switched replay produced: the run and its two files.
    struct Outcome {
        var output: ProcessOutput
        var results: [JSONValue]
        var junit: String
    }

    private func replaySwitched(_ peer: GoldenPeer, _ flags: [String] = []) async throws -> Outcome {
        let results = peer.directory.path("results-\(UUID().uuidString).jsonl").path
        let junit = peer.directory.path("junit-\(UUID().uuidString).xml").path
        let output = try await peer.replay(["--results", results, "--junit", junit] + flags)
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        return Outcome(
            output: output, results: try lines.map { try JSONValue(parsing: String($0)) },
            junit: try String(contentsOfFile: junit, encoding: .utf8))
    }

    /// Paths named in the results file's differences.
    private func resultPaths(_ outcome: Outcome) -> Set<String> {
        Set(
            outcome.results.flatMap { line in
                (line["differences"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
            })
    }

    /// Checks the JUnit file with Python's XML parser: the shape CI systems read, and the failures' text.
    private func junitShape(_ xml: String, in peer: GoldenPeer) async throws -> String {
        let file = try peer.directory.write("check-\(UUID().uuidString).xml", xml)
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            assert root.tag == "testsuites", root.tag
            total = 0
            for suite in root:
                assert suite.tag == "testsuite", suite.tag
                cases = list(suite)
                assert all(c.tag == "testcase" for c in cases)
                assert int(suite.get("tests")) == len(cases)
                failures = sum(1 for c in cases if c.find("failure") is not None)
                errors = sum(1 for c in cases if c.find("error") is not None)
                assert int(suite.get("failures")) == failures, (suite.get("failures"), failures)
                assert int(suite.get("errors")) == errors
                float(suite.get("time"))
                total += len(cases)
                for c in cases:
                    assert c.get("name").startswith("call "), c.get("name")
                    assert c.get("classname") == suite.get("name")
                    for f in c:
                        assert f.tag in ("failure", "error", "skipped"), f.tag
                        if f.tag != "skipped":
                            assert f.get("message") and f.get("type")
                            print(suite.get("name"), c.get("name"), f.tag, f.text.replace("\\n", " | "))
            assert int(root.get("tests")) == total
            """
        let output = try await Subprocess.check([try Repository.python(), "-c", script, file.path])
        return output.stdoutText
    }

    @Test func aChangedFieldIsNamedByTheSamePathEverywhere() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        let baseline = try await peer.replay()
        #expect(baseline.status == 0, "\(baseline.stdoutText)\(baseline.stderrText)")
        #expect(baseline.stdoutText.contains("golden check: every call matches the recording"))

        try peer.switches("field")
        let outcome = try await replaySwitched(peer)
        #expect(outcome.output.status == 1, "\(outcome.output.stderrText)")
        let text = outcome.output.stdoutText
        #expect(
            text.contains("recordtest.v1.Recorder/Unary\n    field responses[0].text: differs in 3 of 3 calls"),
            "\(text)")
        #expect(text.contains(#"call 1: recorded "ada", replayed "ada!""#), "\(text)")
        #expect(resultPaths(outcome) == ["responses[0].text"])
        #expect(outcome.results.count == 4)
        let first = try #require(outcome.results.first { $0["call"]?.int64Value == 1 })
        #expect(first["method"]?.stringValue == "recordtest.v1.Recorder/Unary")
        #expect(first["iteration"]?.int64Value == 0)
        #expect(first["verdict"]?.stringValue == "differs")
        #expect(first["recorded"]?["status"]?.stringValue == "OK (0)")
        #expect(first["differences"]?[0]?["recorded"] == "ada")
        #expect(first["differences"]?[0]?["replayed"] == "ada!")
        let failures = try await junitShape(outcome.junit, in: peer)
        #expect(
            failures.contains(#"recordtest.v1.Recorder/Unary call 1 failure field responses[0].text: recorded "ada""#))
        #expect(
            outcome.junit.contains(#"<testsuite name="recordtest.v1.Recorder/ServerStream" tests="1" failures="0""#))

        // The printed path works as a rule, as printed; a rule that matched nothing is listed.
        let ignored = try await peer.replay(["--ignore", "responses[0].text", "--ignore", "nonexistentField"])
        #expect(ignored.status == 0, "\(ignored.stdoutText)")
        #expect(ignored.stdoutText.contains("rules that matched nothing: nonexistentField"), "\(ignored.stdoutText)")
        let wildcard = try await peer.replay(["--ignore", "responses.*.text"])
        #expect(wildcard.status == 0, "\(wildcard.stdoutText)")
        let otherMethod = try await peer.replay(["--ignore", "recordtest.v1.Recorder/ServerStream:text"])
        #expect(otherMethod.status == 1)
    }

    /// The user agent each recorded client sent is the one a grpcio server sees on replay; a call recorded
    /// without one carries Reprise's.
    @Test func aGrpcioServerSeesEachRecordedUserAgent() async throws {
        let peer = try GoldenPeer()
        let agents = ["grpc-python/1.85.1 grpc-c/48.0.0 (linux; chttp2)", "grpc-go/1.70.0", nil]
        var script = ScriptedRecording()
        for (index, agent) in agents.enumerated() {
            script.unary(
                "/recordtest.v1.Recorder/Unary", request: GoldenPeer.note(text: "a", count: index + 1), response: [],
                at: Int64(index) * 1_000_000, metadata: agent.map { [#"["user-agent","\#($0)"]"#] } ?? [])
        }
        let recording = try peer.directory.write("agents.jsonl", script.text).path
        let results = peer.directory.path("agents-results.jsonl").path
        try peer.switches("agent")
        let output = try await peer.replay(["--results", results], recording: recording)
        // The recorded answers are empty, so every call differs: the replayed text is the agent the server saw.
        #expect(output.status == 1, "\(output.stderrText)")
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        var seen: [Int64: String] = [:]
        for line in try lines.map({ try JSONValue(parsing: String($0)) }) {
            let text = line["differences"]?.arrayValue?.first { $0["path"]?.stringValue == "responses[0].text" }
            if let call = line["call"]?.int64Value { seen[call] = text?["replayed"]?.stringValue }
        }
        #expect(seen[1] == agents[0] && seen[2] == agents[1], "\(seen)")
        #expect(seen[3]?.hasPrefix("reprise/") == true, "\(seen)")
    }

    /// With `--fresh-connections` a grpcio server sees the recording's connections: calls of one recorded
    /// connection on one connection, each recorded connection on its own, though they took turns.
    @Test func aGrpcioServerSeesEachRecordedConnectionWithFreshConnections() async throws {
        let peer = try GoldenPeer()
        // Three clients one after another; the second made two calls.
        let connections = [1, 2, 2, 3]
        var script = ScriptedRecording()
        for (index, connection) in connections.enumerated() {
            script.unary(
                "/recordtest.v1.Recorder/Unary", request: GoldenPeer.note(text: "a", count: index + 1), response: [],
                at: Int64(index) * 20_000_000, connection: connection)
        }
        let recording = try peer.directory.write("clients.jsonl", script.text).path
        try peer.switches("peer")
        func peers(_ flags: [String]) async throws -> [Int64: String] {
            let results = peer.directory.path("clients-results-\(flags.count).jsonl").path
            let output = try await peer.replay(["--results", results] + flags, recording: recording)
            // The recorded answers are empty, so every call differs: the replayed text is the client's address.
            #expect(output.status == 1, "\(output.stderrText)")
            var seen: [Int64: String] = [:]
            for line in try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n") {
                let value = try JSONValue(parsing: String(line))
                let text = value["differences"]?.arrayValue?.first { $0["path"]?.stringValue == "responses[0].text" }
                if let call = value["call"]?.int64Value { seen[call] = text?["replayed"]?.stringValue }
            }
            return seen
        }
        let fresh = try await peers(["--fresh-connections"])
        #expect(fresh.count == 4 && fresh.values.allSatisfy { $0.hasPrefix("ipv4:127.0.0.1:") }, "\(fresh)")
        #expect(fresh[2] == fresh[3], "one recorded connection, one connection: \(fresh)")
        #expect(Set(fresh.values).count == 3, "each recorded connection its own: \(fresh)")
        let turns = try await peers([])
        #expect(Set(turns.values).count == 1, "without the flag they take turns on one: \(turns)")
    }

    @Test func aChangedStatusIsAFailureWithItsMessage() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        try peer.switches("status")
        let outcome = try await replaySwitched(peer)
        #expect(outcome.output.status == 1)
        let text = outcome.output.stdoutText
        #expect(text.contains(#"FAILED_PRECONDITION (9) "switched off": 3 calls"#), "\(text)")
        #expect(text.contains("recordtest.v1.Recorder/Unary call 1, recorded OK (0)"), "\(text)")
        let first = try #require(outcome.results.first { $0["call"]?.int64Value == 1 })
        #expect(first["verdict"]?.stringValue == "failed")
        #expect(first["replayed"]?["message"]?.stringValue == "switched off")
        #expect(first["differences"]?[0]?["kind"]?.stringValue == "status")
        let failures = try await junitShape(outcome.junit, in: peer)
        #expect(
            failures.contains(
                #"call 2 failure status: recorded OK (0), replayed FAILED_PRECONDITION (9) "switched off""#),
            "\(failures)")
    }

    @Test func anExtraStreamedMessageIsShown() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        try peer.switches("extra")
        let outcome = try await replaySwitched(peer)
        #expect(outcome.output.status == 1)
        let text = outcome.output.stdoutText
        #expect(text.contains("message count: differs in 1 of 1 calls"), "\(text)")
        #expect(text.contains(#"extra message responses[2]: differs in 1 of 1 calls"#), "\(text)")
        #expect(text.contains(#"replayed {"text":"tick-2""#), "\(text)")
        #expect(resultPaths(outcome) == ["responses[2]"])
        let failures = try await junitShape(outcome.junit, in: peer)
        #expect(failures.contains("ServerStream call 4 failure message count: recorded 2, replayed 3"), "\(failures)")
    }

    @Test func aReorderedRepeatedFieldPassesAsASetOrByKeyAndNothingMore() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        try peer.switches("reorder")
        let outcome = try await replaySwitched(peer)
        #expect(outcome.output.status == 1)
        #expect(resultPaths(outcome).isSuperset(of: ["responses[0].tags[0]", "responses[0].inners[0].token"]))
        let rules = try peer.directory.write(
            "rules.yaml",
            """
            repeated:
              - path: tags
                as: set
              - path: responses[*].inners
                key: token
            """
        ).path
        let sets = try await peer.replay(["--rules", rules])
        #expect(sets.status == 0, "\(sets.stdoutText)")
        // The same rules do not hide a changed element, nor another field.
        try peer.switches("reorder", "drift")
        let drift = try await peer.replay(["--rules", rules])
        #expect(drift.status == 1)
        #expect(
            drift.stdoutText.contains("field responses[0].inners[0].ratio: differs in 3 of 3 calls"),
            "\(drift.stdoutText)")
        try peer.switches("reorder", "field")
        let field = try await peer.replay(["--rules", rules])
        #expect(field.status == 1)
    }

    @Test func headersAndTrailersAreComparedWhereTheRulesSayAndTheirPathsWorkAsIgnoreRules() async throws {
        let peer = try GoldenPeer()
        var scripted = ScriptedRecording()
        let id = scripted.call("/recordtest.v1.Recorder/Unary", kind: "unary", at: 0)
        scripted.message(id, "request", GoldenPeer.note(text: "ada", count: 1), at: 1_000)
        scripted.event(
            "headers", id, at: 2_000, #""status":200,"metadata":[["x-api-version","1"]],"encoding":"identity""#)
        scripted.event("trailers", id, at: 3_000, #""code":0,"message":"","details":[],"metadata":[["x-cache","hit"]]"#)
        scripted.event("end", id, at: 3_000, #""outcome":"ok""#)
        let golden = try peer.directory.write("metadata.jsonl", scripted.text).path
        try peer.switches()
        let update = try await peer.replay(["--update"], recording: golden)
        #expect(update.status == 0, "\(update.stderrText)")
        let rules = try peer.directory.write(
            "metadata.yaml", "compare_headers: [x-api-version]\ncompare_trailers: [X-Cache]\n"
        ).path
        let baseline = try await peer.replay(["--rules", rules], recording: golden)
        #expect(baseline.status == 0, "\(baseline.stdoutText)")

        try peer.switches("meta")
        let unchecked = try await peer.replay([], recording: golden)
        #expect(unchecked.status == 0, "headers and trailers are not compared unless the rules say so")
        let changed = try await peer.replay(["--rules", rules], recording: golden)
        #expect(changed.status == 1)
        #expect(changed.stdoutText.contains("headers.x-api-version"), "\(changed.stdoutText)")
        #expect(changed.stdoutText.contains("trailers.x-cache"), "\(changed.stdoutText)")
        #expect(changed.stdoutText.contains(#""2""#) && changed.stdoutText.contains(#""miss""#))
        let ignored = try await peer.replay(
            ["--rules", rules, "--ignore", "headers.x-api-version", "--ignore", "trailers.*"], recording: golden)
        #expect(ignored.status == 0, "\(ignored.stdoutText)")
    }

    @Test func toleranceAcceptsSmallNumericDriftOnly() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        try peer.switches("drift")
        let loose = try peer.directory.write(
            "loose.yaml", "tolerance:\n  - path: inners[*].ratio\n    absolute: 0.01\n"
        ).path
        let tight = try peer.directory.write(
            "tight.yaml",
            "methods:\n  recordtest.v1.Recorder/*:\n    tolerance:\n      - {path: inners.*.ratio, relative: 0.0001}\n"
        ).path
        let passes = try await peer.replay(["--rules", loose])
        #expect(passes.status == 0, "\(passes.stdoutText)")
        let fails = try await peer.replay(["--rules", tight])
        #expect(fails.status == 1)
        #expect(fails.stdoutText.contains("responses[0].inners[0].ratio"), "\(fails.stdoutText)")
    }

    @Test func learnedRulesMakeTheClockPassAndNothingElse() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        // A steady server teaches nothing, and says so.
        let steady = try await peer.replay(["--learn", peer.directory.path("steady.yaml").path])
        #expect(steady.status == 0, "\(steady.stderrText)")
        #expect(steady.stdoutText.contains("learned no rules from two replays of"), "\(steady.stdoutText)")
        #expect(steady.stdoutText.hasSuffix("nothing differed (\(peer.directory.path("steady.yaml").path) says so)\n"))
        try peer.switches("clock")
        let noisy = try await peer.replay()
        #expect(noisy.status == 1)
        #expect(noisy.stdoutText.contains("field responses[0].at: differs in 3 of 3 calls"), "\(noisy.stdoutText)")
        let learned = peer.directory.path("learned.yaml").path
        let learn = try await peer.replay(["--learn", learned])
        #expect(learn.status == 0, "\(learn.stderrText)")
        let yaml = try String(contentsOfFile: learned, encoding: .utf8)
        #expect(yaml.contains("recordtest.v1.Recorder/Unary"), "\(yaml)")
        // A timestamp keeps its shape: learned as a match, which a server that dropped it would still fail.
        #expect(yaml.contains("    matches:"), "\(yaml)")
        #expect(yaml.contains(#"- path: "responses[*].at""#), "\(yaml)")
        #expect(yaml.contains("every value seen was an RFC 3339 time"), "\(yaml)")
        #expect(yaml.contains("# differed in 3 of 3 calls"), "\(yaml)")
        // Only the clock was learned.
        #expect(yaml.components(separatedBy: "\n      - ").count == 2, "\(yaml)")
        let passes = try await peer.replay(["--rules", learned])
        #expect(passes.status == 0, "\(passes.stdoutText)")
        try peer.switches("clock", "field")
        let caught = try await peer.replay(["--rules", learned])
        #expect(caught.status == 1)
        #expect(caught.stdoutText.contains("responses[0].text"))
        #expect(!caught.stdoutText.contains("responses[0].at"))
    }

    @Test func updateAcceptsADeliberateChangeAndRefusesWhenTheTargetIsDown() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        try peer.switches("field", "extra")
        let before = try String(contentsOfFile: peer.recording, encoding: .utf8)
        let down = try await peer.replay(["--update"], target: "127.0.0.1:1")
        #expect(down.status == 69, "\(down.stderrText)")
        #expect(try String(contentsOfFile: peer.recording, encoding: .utf8) == before)
        let update = try await peer.replay(["--update"])
        #expect(update.status == 0, "\(update.stderrText)")
        #expect(update.stdoutText.contains("responses[0].text"), "the change is printed before it is accepted")
        #expect(update.stderrText.contains("rewrote 4 calls"), "\(update.stderrText)")
        let after = try String(contentsOfFile: peer.recording, encoding: .utf8)
        let requestLines = { (text: String) in text.split(separator: "\n").filter { $0.contains(#""dir":"request""#) } }
        #expect(requestLines(after) == requestLines(before))
        #expect(after.split(separator: "\n").first == before.split(separator: "\n").first)
        let again = try await peer.replay()
        #expect(again.status == 0, "\(again.stdoutText)")
    }

    @Test func exitCodesTellTheOutcomesApart() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        let missing = peer.directory.path("no/such/folder/report.html").path
        let badReport = try await peer.replay(["--report", missing], target: "127.0.0.1:1")
        #expect(badReport.status == 73, "checked before connecting: \(badReport.stderrText)")
        #expect(badReport.stderrText.contains("--report \(missing): the folder"), "\(badReport.stderrText)")
        let unreachable = try await peer.replay([], target: "127.0.0.1:1")
        #expect(unreachable.status == 69)
        let usage = try await peer.replay(["--ignore", "items[2"])
        #expect(usage.status == 64)
        let rules = try peer.directory.write("bad.yaml", "ignore:\n  - text\ntolerence:\n  - path: x\n").path
        let badRules = try await peer.replay(["--rules", rules])
        #expect(badRules.status == 66)
        #expect(badRules.stderrText.contains("bad.yaml:3:1: unknown key 'tolerence'"), "\(badRules.stderrText)")
        let thresholds = try await peer.replay(["--threshold", "grpc_req_duration=max<0"])
        #expect(thresholds.status == 99)
        try peer.switches("field")
        let both = try await peer.replay(["--threshold", "grpc_req_duration=max<0"])
        #expect(both.status == 1, "differences come before thresholds")
    }

    @Test func aServerThatDiesMidRunShowsItsFailuresAndExitsUnreachable() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        let server = peer.server
        async let run = peer.replay([], schedule: ["--vus", "1", "--duration", "3s"])
        try await Task.sleep(for: .seconds(1))
        server.kill()
        let output = try await run
        #expect(output.status == 69, "\(output.stderrText)")
        let text = output.stdoutText
        #expect(text.contains("calls did not end with their recorded status:"), "\(text)")
        #expect(text.contains("never reached the server") || text.contains("UNAVAILABLE (14)"), "\(text)")
        #expect(output.stderrText.contains("calls never reached the server at \(peer.target)"), "\(output.stderrText)")
    }

    @Test func learningFromTwoRecordingsOfTheSameTrafficFindsTheClock() async throws {
        let peer = try GoldenPeer()
        try await peer.makeGolden()
        // A second recording of the same requests, made while the clock ticks.
        let second = peer.directory.path("second.jsonl").path
        try FileManager.default.copyItem(atPath: peer.recording, toPath: second)
        try peer.switches("clock")
        let remake = try await Subprocess.run(
            [
                try RepriseExecutable.path(), "replay", second, "--target", peer.target, "--plaintext", "--quiet",
                "--update",
            ] + GoldenPeer.schemaFlags)
        #expect(remake.status == 0, "\(remake.stderrText)")
        let learned = peer.directory.path("from-recordings.yaml").path
        let learn = try await Subprocess.run(
            [try RepriseExecutable.path(), "replay", peer.recording, "--learn", learned, "--learn-from", second]
                + GoldenPeer.schemaFlags)
        #expect(learn.status == 0, "\(learn.stderrText)")
        #expect(learn.stdoutText.contains("from 4 pairs of calls with identical requests"), "\(learn.stdoutText)")
        let yaml = try String(contentsOfFile: learned, encoding: .utf8)
        #expect(yaml.contains(#"- path: "responses[*].at""#), "\(yaml)")
        #expect(yaml.components(separatedBy: "\n      - ").count == 2, "\(yaml)")
        // Without --target and without --learn-from, the target is still required.
        let missing = try await Subprocess.run(
            [try RepriseExecutable.path(), "replay", peer.recording] + GoldenPeer.schemaFlags)
        #expect(missing.status == 64)
    }
}
