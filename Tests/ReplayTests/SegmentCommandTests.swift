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
