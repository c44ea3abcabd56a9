import DemoServer
import Foundation
import NIOCore
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// k6 v1.1.0 (the real binary, from the venv) against Reprise's demo server.
@Suite("k6 against Reprise")
struct K6Tests {
    @Test func k6ScriptWithInvokeAndStreamPassesEveryCheck() async throws {
        let k6 = try Repository.venvTool("k6")
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let directory = try TemporaryDirectory(prefix: "reprise-k6")
        let summary = directory.path("summary.json")
        let script = Repository.root.appendingPathComponent("Tests/EngineTests/Peers/k6-demo.js").path
        let result = try await Subprocess.offThread {
            try Subprocess.run(
                [k6, "run", "--quiet", "--no-usage-report", "--summary-export", summary.path, script],
                environment: [
                    "ADDR": "127.0.0.1:\(server.port)", "PROTOS": DemoFiles.importPath,
                    "K6_NO_USAGE_REPORT": "true",
                ])
        }
        await server.shutdown(gracePeriod: .milliseconds(200))
        #expect(result.status == 0, "k6 failed:\n\(result.stdoutText)\n\(result.stderrText)")
        // An exception in the script fails the iteration without failing a check: k6 logs it as an error.
        #expect(!result.stderrText.contains("level=error"), "\(result.stderrText)")
        let exported = try JSONValue(parsing: try Data(contentsOf: summary))
        let checks = exported["metrics"]?["checks"]
        #expect(checks?["fails"] == 0, "\(checks?.jsonString() ?? "no checks")")
        #expect((checks?["passes"]?.doubleValue ?? 0) == 32, "\(result.stdoutText)\n\(result.stderrText)")
        #expect((exported["metrics"]?["grpc_streams"]?["count"]?.doubleValue ?? 0) == 8)
    }
}
