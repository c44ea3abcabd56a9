import Foundation

/// k6 v1.1.0 running a test script that logs what it saw as one `console.log('SEEN ' + JSON)` line.
public enum K6Script {
    /// Runs `script` with `-e KEY=VALUE` for each of `environment` and returns the JSON text after `SEEN `.
    public static func seen(script: String, environment: [(String, String)]) async throws -> String {
        var command = [
            try Repository.venvTool("k6"), "run", "--no-color", "--no-usage-report", "--quiet", "--log-format", "json",
        ]
        for (key, value) in environment { command += ["-e", "\(key)=\(value)"] }
        let output = try await Subprocess.run(command + [script], timeout: .seconds(90))
        guard output.status == 0, !output.signalled else {
            throw K6ScriptFailed(output: "k6 \(output.ending)\n" + output.stdoutText + output.stderrText)
        }
        for line in output.stderrText.split(separator: "\n") {
            // Each line is a JSON log entry; the message is in "msg", JSON-escaped.
            guard let data = String(line).data(using: .utf8),
                let entry = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let message = entry["msg"] as? String, message.hasPrefix("SEEN ")
            else { continue }
            return String(message.dropFirst(5))
        }
        throw K6ScriptFailed(
            output:
                "k6 exited with 0 without a SEEN line (\(output.stderr.count) bytes on stderr, \(output.stdout.count) on stdout)\n"
                + output.stdoutText + output.stderrText)
    }
}

/// k6 failed a check or did not log what it saw.
public struct K6ScriptFailed: Error, CustomStringConvertible {
    public var output: String
    public var description: String { "k6 failed:\n\(output.suffix(4000))" }
}
