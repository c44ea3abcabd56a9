import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The replayer against servers that stop answering without closing: it must end when its schedule and
/// graceful stop say, count what it cancelled, and say why; never hang.
@Suite(.timeLimit(.minutes(2)))
struct ReplayFaultTests {
    /// `reprise demo-server` frozen with SIGSTOP one second into a 3 s rate schedule: its socket stays open
    /// and unread. The calls in flight when the 2 s graceful stop ends are cancelled and counted, and the
    /// run ends at about 5 s with the differences status, however long the server stays frozen.
    @Test func aServerThatStopsReadingMidRunIsCancelledAtTheGracefulStopNotWaitedForever() async throws {
        let server = try PeerProcess([
            try RepriseExecutable.path(), "demo-server", "--listen", "127.0.0.1:0",
        ])
        let pid = server.processIdentifier
        defer {
            kill(pid, SIGCONT)
            server.stop()
        }
        let freeze = Task {
            try await Task.sleep(for: .seconds(1))
            kill(pid, SIGSTOP)
        }
        let started = ContinuousClock.now
        let output = try await Subprocess.run(
            [
                try RepriseExecutable.path(), "replay",
                Repository.root.appendingPathComponent("recordings/demo.jsonl").path,
                "--target", "127.0.0.1:\(server.port)", "--plaintext", "--rate", "20", "--duration", "3s",
                "--graceful-stop", "2s", "--quiet",
            ], timeout: .seconds(60))
        let took = ContinuousClock.now - started
        _ = try await freeze.value
        #expect(output.status == 1, "\(output.stderrText)")
        #expect(took < .seconds(20), "the replay took \(took)")
        let line = try #require(output.stdoutText.split(separator: "\n").first { $0.hasPrefix("replayed ") })
        #expect(line.contains("cancelled while still in flight at the end of the graceful stop"), "\(line)")
    }

    /// A server that accepts the connection and never reads or answers (the preface unacknowledged): the
    /// replay gives up after --connect-timeout with the unreachable status and says why.
    @Test func aServerThatNeverAnswersTheHandshakeFailsTheReplayAfterTheConnectTimeout() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 16) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))

        let started = ContinuousClock.now
        let output = try await Subprocess.run(
            [
                try RepriseExecutable.path(), "replay",
                Repository.root.appendingPathComponent("recordings/demo.jsonl").path,
                "--target", "127.0.0.1:\(port)", "--plaintext", "--connect-timeout", "1", "--quiet",
            ], timeout: .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(output.status == 69, "\(output.stderrText)")
        #expect(
            output.stderrText.contains(
                "cannot connect to 127.0.0.1:\(port): connecting to 127.0.0.1:\(port) timed out"),
            "\(output.stderrText)")
    }
}
