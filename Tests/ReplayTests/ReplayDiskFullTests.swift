import Foundation
import ProtoCodec
import TestSupport
import Testing

/// `reprise replay --results` writing to a filesystem that fills up: a 256 KiB tmpfs mounted for the test
/// (root, as CI runs). The replay runs to its end (the check, the summary and the report are in memory),
/// then says which output failed and exits 73; the results file ends with a whole line and every line reads.
@Suite(
    .enabled(if: SmallFilesystem.available, "mounting a small tmpfs needs root; CI runs as root"),
    .timeLimit(.minutes(2)))
struct ReplayDiskFullTests {
    @Test func resultsOnAFullDiskEndWithAWholeLineAndTheReplaySaysSo() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-replay-disk-full")
        let disk = try await SmallFilesystem(in: directory, size: "256k")
        let server = try PeerProcess([try RepriseExecutable.path(), "demo-server", "--listen", "127.0.0.1:0"])
        defer { server.stop() }
        let out = disk.file("results.jsonl")
        // The demo recording's eight calls, 1,500 times over: a few hundred KB of results lines.
        let output = try await Subprocess.run(
            [
                try RepriseExecutable.path(), "replay",
                Repository.root.appendingPathComponent("recordings/demo.jsonl").path, "--target",
                "127.0.0.1:\(server.port)", "--plaintext", "--vus", "8", "--iterations", "1500",
                "--results", out, "--quiet",
            ], timeout: .seconds(90))
        #expect(output.status == 73, "\(output.stderrText)")
        #expect(
            output.stderrText.contains("--results \(out): cannot write '\(out)': No space left on device"),
            "\(output.stderrText)")
        #expect(output.stdoutText.contains("replayed 1500 calls"), "\(output.stdoutText)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.count > 1000)
        #expect(bytes.last == UInt8(ascii: "\n"))
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        #expect(lines.allSatisfy { (try? JSONValue(parsing: Array($0))) != nil })
        withExtendedLifetime(disk) {}
    }
}
