import DemoServer
import Engine
import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import Replay
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The replayer against servers that stop answering without closing, that go away under load, or that
/// reset their connections: it must end when its schedule and graceful stop say, count every call and
/// what it cancelled, and say why; never hang.
@Suite(.timeLimit(.minutes(2)))
struct ReplayFaultTests {
    /// `reprise demo-server` frozen with SIGSTOP one second into a 3 s rate schedule: its socket stays open
    /// and unread. The calls in flight when the 2 s graceful stop ends are cancelled and counted, and the
    /// run ends at about 5 s with the differences status, however long the server stays frozen.
    @Test func aServerThatStopsReadingMidRunIsCancelledAtTheGracefulStopNotWaitedForever() async throws {
        let (output, took) = try await replayAgainstAFrozenServer(
            after: .seconds(1), ["--rate", "20", "--duration", "3s", "--graceful-stop", "2s"])
        #expect(output.status == 1, "\(output.stderrText)")
        #expect(took < .seconds(20), "the replay took \(took)")
        let line = try #require(output.stdoutText.split(separator: "\n").first { $0.hasPrefix("replayed ") })
        #expect(line.contains("cancelled while still in flight at the end of the graceful stop"), "\(line)")
    }

    /// Virtual users limited by a count of calls have no end time of their own: against the same frozen
    /// server, `--max-duration` (k6's maxDuration) stops them starting calls at 2 s, the graceful stop
    /// cancels the calls they hold at 3 s, and the run ends saying so.
    @Test func virtualUsersWithACountOfCallsStopAtTheMaxDurationAgainstAFrozenServer() async throws {
        let (output, took) = try await replayAgainstAFrozenServer(
            after: .milliseconds(500),
            ["--vus", "2", "--iterations", "100000000", "--max-duration", "2s", "--graceful-stop", "1s"])
        #expect(output.status == 1, "\(output.stderrText)")
        #expect(took < .seconds(20), "the replay took \(took)")
        let line = try #require(output.stdoutText.split(separator: "\n").first { $0.hasPrefix("replayed ") })
        #expect(line.contains("2 cancelled while still in flight at the end of the graceful stop"), "\(line)")
        #expect(
            output.stdoutText.contains("stopped at --max-duration with calls still to make"), "\(output.stdoutText)")
    }

    /// `reprise replay recordings/demo.jsonl` with `schedule` against `reprise demo-server`, frozen with
    /// SIGSTOP `after` the start (its socket open and unread); what the replay printed and how long it took.
    private func replayAgainstAFrozenServer(after: Duration, _ schedule: [String]) async throws -> (
        ProcessOutput, Duration
    ) {
        let server = try PeerProcess([
            try RepriseExecutable.path(), "demo-server", "--listen", "127.0.0.1:0",
        ])
        let pid = server.processIdentifier
        defer {
            kill(pid, SIGCONT)
            server.stop()
        }
        let freeze = Task {
            try await Task.sleep(for: after)
            kill(pid, SIGSTOP)
        }
        let started = ContinuousClock.now
        let output = try await Subprocess.run(
            [
                try RepriseExecutable.path(), "replay",
                Repository.root.appendingPathComponent("recordings/demo.jsonl").path,
                "--target", "127.0.0.1:\(server.port)", "--plaintext", "--quiet",
            ] + schedule, timeout: .seconds(60))
        let took = ContinuousClock.now - started
        _ = try await freeze.value
        return (output, took)
    }

    /// Ten thousand calls on the wire at once on one connection: 10,000 virtual users each make one
    /// Sleep of one second to the demo server (whose limit is 10,000 concurrent streams).
    /// Every call ends OK, on one connection, in well under 100 s, the time a hundred at a time (HTTP/2's
    /// usual limit) would take: 17 s in a debug build here, most of it the users' own start-up.
    @Test func tenThousandConcurrentStreamsOnOneConnectionAllEndOK() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        var script = ScriptedRecording()
        // SleepRequest {duration: {seconds: 1}}.
        script.unary("/demo.v1.Demo/Sleep", request: [0x0A, 0x02, 0x08, 0x01], response: nil, at: 0)
        let replayer = try Replayer(
            plan: try ReplayPlan(recording: try script.recording(), inferKinds: true),
            target: "127.0.0.1:\(server.port)",
            options: .with {
                $0.schedule = .virtualUsers(count: 10_000, limit: .iterations(10_000))
                $0.connections = 1
                $0.connect.plaintext = true
            })
        let started = ContinuousClock.now
        let result = try await replayer.run()
        let took = ContinuousClock.now - started
        await server.shutdown()
        #expect(result.started == 10_000 && result.finished == 10_000)
        let failures = result.failureGroups.map { "\($0.status) \($0.message)" }
        #expect(result.statusCounts[0] == 10_000, "\(result.statusCounts) \(failures)")
        #expect(result.connections.lost == 0)
        #expect(took < .seconds(60), "10,000 one-second calls took \(took)")
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
                "Error: connecting to 127.0.0.1:\(port) timed out after 1s"),
            "\(output.stderrText)")
    }

    /// One bidirectional Echo call, answered 150 ms after its request by the witness server: at 100 calls
    /// a second about fifteen are in flight at any time.
    private func echoPlan() throws -> ReplayPlan {
        var script = ScriptedRecording()
        let chat = script.call("/witness.W/Echo", kind: "bidi", at: 0)
        script.message(chat, "request", [1], at: 1_000)
        script.message(chat, "response", [1], at: 2_000)
        script.finish(chat, code: 0, at: 3_000)
        return try ReplayPlan(recording: try script.recording(), inferKinds: true)
    }

    /// A 3 s run at 100 calls a second, checked against the recording, with a 2 s graceful stop.
    private func replay(_ plan: ReplayPlan, against address: String) async throws -> ReplayResult {
        let replayer = try Replayer(
            plan: plan, target: address,
            options: .with {
                $0.schedule = .constantRate(perSecond: 100, limit: .duration(.seconds(3)), maxInFlight: 200)
                $0.connect.plaintext = true
                $0.checker = GoldenChecker(schema: nil)
                $0.gracefulStop = .seconds(2)
            })
        return try await replayer.run()
    }

    /// The server stops gracefully one second into the run: its GOAWAY lets the calls it took finish, the
    /// calls after it fail at once as UNAVAILABLE (the server is gone), and the run ends on schedule with
    /// every call counted.
    @Test func aGoAwayUnderLoadLetsTheCallsTheServerTookFinishAndCountsTheRest() async throws {
        let server = try await WitnessServer.start()
        async let running = replay(try echoPlan(), against: server.address)
        try await Task.sleep(for: .seconds(1))
        await server.server.shutdown(gracePeriod: .seconds(5))
        let result = try await running
        let taken = server.calls
        #expect(taken.count >= 20, "the server took \(taken.count) calls before its GOAWAY")
        // The GOAWAY cut none of the calls the server took.
        let cut = taken.filter { $0.events != [.received(1), .halfClosed, .sent(1)] }
        #expect(
            cut.isEmpty, "\(cut.map(\.events)) \(result.failureGroups.map { "\($0.status) \($0.message) \($0.calls)" })"
        )
        #expect(result.finished == result.started)
        #expect(result.interrupted == 0)
        #expect(result.connections.lost >= 1 && result.connections.failedAttempts >= 1, "\(result.connections)")
        #expect(result.failedCalls > 0)
        #expect(result.statusCounts[14] + result.statusCounts[17] == result.failedCalls, "\(result.statusCounts)")
        #expect(result.finished - result.failedCalls >= taken.count - 1)
        #expect(result.mismatchedCalls == result.failedCalls, "only the failures differ: \(result.differences)")
        let failure = try #require(result.failureGroups.first)
        #expect(failure.message.contains("no connection to \(server.address)"), "\(failure.message)")
    }

    /// A server whose connections are reset (TCP RST) 300 ms after they open, answering nothing: every call
    /// fails as UNAVAILABLE when its connection goes, the replayer reconnects each time, and the run ends on
    /// schedule with nothing left in flight and every call counted.
    @Test func aServerThatResetsItsConnectionsFailsEveryCallAndTheRunEndsOnSchedule() async throws {
        let server = try await ConnectionResettingServer.start(resettingAfter: .milliseconds(300))
        let result = try await replay(try echoPlan(), against: server.address)
        try await server.close()
        #expect(result.started > 0)
        #expect(result.finished == result.started)
        #expect(result.failedCalls == result.finished)
        #expect(result.interrupted == 0)
        #expect(result.connections.lost >= 2 && result.connections.reconnected >= 1, "\(result.connections)")
        #expect(result.statusCounts[14] + result.statusCounts[17] == result.failedCalls, "\(result.statusCounts)")
        let messages = result.failureGroups.map(\.message)
        #expect(messages.contains { $0.contains("reset") }, "\(messages)")
    }
}
