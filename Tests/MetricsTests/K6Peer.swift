import Foundation
import TestSupport

/// Runs k6 v1.1.0 from the venv on a script (no network needed for scripts that only record metrics).
enum K6Peer {
    struct Run {
        var stdout: String
        var directory: TemporaryDirectory
        func file(_ name: String) throws -> String {
            try String(contentsOf: directory.path(name), encoding: .utf8)
        }
    }

    /// Writes `script` and runs `k6 run -q <extra> script.js` in a temporary directory; k6's exit code
    /// must be one of `allowedStatuses` (99 means thresholds failed).
    static func run(script: String, arguments: [String] = [], allowedStatuses: Set<Int32> = [0, 99]) throws -> Run {
        let directory = try TemporaryDirectory(prefix: "reprise-k6")
        try directory.write("script.js", script)
        let output = try Subprocess.run(
            [try Repository.venvTool("k6"), "run", "-q", "--no-usage-report"] + arguments + ["script.js"],
            environment: ["K6_NO_USAGE_REPORT": "true"], currentDirectory: directory.url, timeout: .seconds(60))
        guard allowedStatuses.contains(output.status) else {
            throw K6Failed(status: output.status, stdout: output.stdoutText, stderr: output.stderrText)
        }
        return Run(stdout: output.stdoutText, directory: directory)
    }
}

/// k6 exited with a status the test did not expect.
struct K6Failed: Error, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "k6 exited with \(status)\nstderr:\n\(stderr)\nstdout:\n\(stdout)" }
}
