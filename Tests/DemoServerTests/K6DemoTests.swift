import DemoServer
import Foundation
import NIOPosix
import TestSupport
import Testing

@Suite("k6 against the demo server")
struct K6DemoTests {
    @Test func k6ScriptWithInvokeAndStreamPassesEveryCheck() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let directory = try TemporaryDirectory()
        let summary = directory.path("summary.json").path
        let script = Repository.root.appendingPathComponent("Tests/DemoServerTests/Peers/k6-demo.js").path
        let output = try await Subprocess.run([
            try Repository.venvTool("k6"), "run", "--no-color", "--no-usage-report", "--summary-export", summary,
            "-e", "ADDR=127.0.0.1:\(server.port)", script,
        ])
        await server.shutdown()
        #expect(output.status == 0, "k6 output:\n\(output.stdoutText)\n\(output.stderrText)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary)))
        let checks = try #require(((json as? [String: Any])?["metrics"] as? [String: Any])?["checks"] as? [String: Any])
        #expect(checks["fails"] as? Int == 0, "k6 output:\n\(output.stdoutText)")
        #expect(checks["passes"] as? Int == 16)
        #expect(output.stdoutText.contains("✓ bidirectional streaming"))
    }
}
