import Foundation
import ProtoCodec
import TestSupport
import Testing

/// Distributed runs as users run them: n processes, each with its `--segment`, and `reprise metrics merge`
/// of their summaries; and the replays that need no schema or meet a cut recording.
@Suite(.timeLimit(.minutes(3))) struct SegmentCommandTests {
    private func reprise(_ arguments: [String]) async throws -> ProcessOutput {
        try await Subprocess.run([try RepriseExecutable.path()] + arguments, timeout: .seconds(90))
    }

    private func count(_ summary: JSONValue, _ metric: String, _ field: String = "count") -> Double? {
        summary["metrics"]?[metric]?["values"]?[field]?.doubleValue
    }

    @Test func fourSegmentsMergedCountExactlyWhatOneWholeRunCounts() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-segments")
        let common = [
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--rate", "400", "--iterations",
            "90", "--quiet", "--no-check",
        ]
        let whole = directory.path("whole.json").path
        let wholeRun = try await reprise(common + ["--summary-export", whole])
        #expect(wholeRun.status == 0, "\(wholeRun.stderrText)")
        // Four processes side by side, as four machines would run them; two use k6's syntax.
        let flags = [
            ["--segment", "0/4"], ["--execution-segment", "1/4:2/4"], ["--segment", "2/4"],
            ["--execution-segment", "75%:100%"],
        ]
        let parts = try await withThrowingTaskGroup(of: (Int, ProcessOutput).self) { group in
            for (index, flag) in flags.enumerated() {
                let path = directory.path("segment-\(index).json").path
                group.addTask { (index, try await reprise(common + flag + ["--summary-export", path])) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for (index, output) in parts.sorted(by: { $0.key < $1.key }) {
            #expect(output.status == 0, "segment \(index): \(output.stderrText)")
        }
        let merged = directory.path("merged.json").path
        let merge = try await reprise(
            ["metrics", "merge", "--quiet", "-o", merged] + (0..<4).map { directory.path("segment-\($0).json").path })
        await target.stop()
        #expect(merge.status == 0, "\(merge.stderrText)")
        let one = try JSONValue(parsing: try Data(contentsOf: URL(fileURLWithPath: whole)))
        let all = try JSONValue(parsing: try Data(contentsOf: URL(fileURLWithPath: merged)))
        #expect(count(one, "grpc_reqs") == 90)
        for metric in ["grpc_reqs", "iterations", "grpc_streams"] {
            #expect(count(all, metric) == count(one, metric), "\(metric)")
        }
        let shares = try (0..<4).map {
            try JSONValue(parsing: try Data(contentsOf: directory.path("segment-\($0).json")))
        }
        #expect(shares.map { count($0, "iterations") ?? 0 } == [23, 23, 22, 22])
    }

    /// The merge knows segments: each summary says which it ran, so a slice given twice, one missing or a
    /// whole run among slices is refused (66) before anything adds up; `--partial` merges what is there and
    /// says what is not. The golden checks add up across segments, and the merge exits 1 on differences as
    /// replay does.
    @Test func theMergeChecksItHasEachSegmentOnceAndAddsUpTheGoldenChecks() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-segments-check")
        let common = [
            "replay", GoldenRecording.path, "--target", target.address, "--plaintext", "--vus", "3", "--iterations",
            "30", "--quiet",
        ]
        var paths: [String] = []
        for index in 0..<3 {
            let path = directory.path("segment-\(index).json").path
            let run = try await reprise(common + ["--segment", "\(index)/3", "--summary-export", path])
            #expect(run.status == 0, "\(run.stderrText)")
            paths.append(path)
        }
        let segment = try JSONValue(parsing: try Data(contentsOf: URL(fileURLWithPath: paths[1])))
        #expect(segment["segment"] == ["index": 1, "count": 3])
        #expect(segment["golden"]?["calls"] == 10)

        let merged = directory.path("merged.json").path
        let merge = try await reprise(["metrics", "merge", "-o", merged] + paths)
        #expect(merge.status == 0, "\(merge.stderrText)")
        #expect(
            merge.stdoutText.contains("golden check, 3 summaries merged: every call of 30 matches the recording"),
            "\(merge.stdoutText)")
        let all = try JSONValue(parsing: try Data(contentsOf: URL(fileURLWithPath: merged)))
        #expect(all["golden"]?["calls"] == 30)
        #expect(all["segment"] == nil)

        let copy = directory.path("copy.json").path
        try FileManager.default.copyItem(atPath: paths[1], toPath: copy)
        let twice = try await reprise(["metrics", "merge", "--quiet"] + paths + [copy])
        #expect(twice.status == 66)
        #expect(twice.stderrText.contains("\(paths[1]) and \(copy) both ran segment 1/3: its calls would count twice"))
        let sameFile = try await reprise(["metrics", "merge", "--quiet", paths[0], paths[0]])
        #expect(sameFile.status == 64)
        #expect(sameFile.stderrText.contains("\(paths[0]) is given twice"), "\(sameFile.stderrText)")

        let missing = try await reprise(["metrics", "merge", "--quiet", paths[0], paths[2]])
        #expect(missing.status == 66)
        #expect(
            missing.stderrText.contains(
                "segment 1/3 of the test is missing: give every segment's summary, or --partial to merge the 2 there are"
            ),
            "\(missing.stderrText)")
        let partial = try await reprise(["metrics", "merge", "--partial", "--json", paths[0], paths[2]])
        #expect(partial.status == 0, "\(partial.stderrText)")
        #expect(partial.stderrText.contains("warning: segment 1/3 of the test is missing"), "\(partial.stderrText)")
        #expect(try JSONValue(parsing: partial.stdoutText)["golden"]?["calls"] == 20)

        let whole = directory.path("whole.json").path
        _ = try await reprise(common + ["--summary-export", whole])
        let mixed = try await reprise(["metrics", "merge", "--quiet", paths[0], whole])
        #expect(mixed.status == 66)
        #expect(mixed.stderrText.contains("ran a whole test: they are not slices of one test"), "\(mixed.stderrText)")

        // A segment's calls that differ: the merged check says so, and the merge fails as replay would.
        let differing = directory.path("differing.json").path
        var edited = try JSONValue(parsing: try Data(contentsOf: URL(fileURLWithPath: paths[2])))
        edited["golden"]?["differing_calls"] = 2
        edited["golden"]?["differences"] = [
            [
                "method": "demo.v1.Demo/SayHello", "kind": "field", "path": "responses[0].message", "calls": 2,
                "examples": [],
            ]
        ]
        try directory.write("differing.json", edited.jsonString())
        let failing = try await reprise(["metrics", "merge", paths[0], paths[1], differing])
        await target.stop()
        #expect(failing.status == 1, "\(failing.stderrText)")
        #expect(failing.stdoutText.contains("2 of 30 calls differ from the recording"), "\(failing.stdoutText)")
        #expect(failing.stdoutText.contains("field responses[0].message: differs in 2 calls"), "\(failing.stdoutText)")
    }

    /// Fewer users than segments leave a segment without one: with a count of iterations, its share would
    /// never run, so it refuses (the merge then misses it) instead of losing calls silently.
    @Test func aSegmentWithoutAUserRefusesItsIterations() async throws {
        let output = try await reprise([
            "replay", GoldenRecording.path, "--target", "127.0.0.1:1", "--plaintext", "--vus", "2", "--iterations",
            "30", "--segment", "0/3",
        ])
        #expect(output.status == 64)
        #expect(
            output.stderrText.contains(
                "segment 0/3 gets none of the 2 virtual users, so its 10 of the 30 iterations would never run"),
            "\(output.stderrText)")
    }

    @Test func aRecordingWithoutASchemaReplaysWithNoCheck() async throws {
        let target = try await DemoTarget.start()
        let raw = Repository.root.appendingPathComponent("recordings/demo-raw.jsonl").path
        let output = try await reprise([
            "replay", raw, "--target", target.address, "--plaintext", "--speed", "20", "--quiet", "--no-check",
        ])
        await target.stop()
        #expect(output.status == 0, "\(output.stderrText)")
        let calls = try GoldenRecording.lines().filter { $0.contains(#""type":"call""#) }.count
        #expect(output.stdoutText.contains("replayed \(calls) calls"), "\(output.stdoutText)")
    }

    @Test func aRecordingCutMidLineAndACallWithoutAnEndAreReportedAndLeftOut() async throws {
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-replay-cut")
        var lines = try GoldenRecording.lines()
        // The recorder was killed: the last call's end never came, and its last line is half written.
        let lastEnd = try #require(lines.lastIndex { $0.contains(#""type":"end""#) })
        lines.remove(at: lastEnd)
        let cut = try directory.write(
            "cut.jsonl", lines.joined(separator: "\n") + "\n" + #"{"type":"message","t":99,"ca"#
        ).path
        let output = try await reprise([
            "replay", cut, "--target", target.address, "--plaintext", "--speed", "20", "--quiet",
        ])
        await target.stop()
        #expect(output.status == 0, "\(output.stdoutText)\n\(output.stderrText)")
        #expect(output.stderrText.contains("cut.jsonl:\(lines.count + 1)"), "\(output.stderrText)")
        #expect(output.stderrText.contains("1 recorded call has no end"), "\(output.stderrText)")
        #expect(output.stdoutText.contains("golden check: every call matches the recording"))
    }
}
