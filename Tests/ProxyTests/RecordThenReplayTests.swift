import Engine
import Foundation
import Recording
import Replay
import TestSupport
import Testing

/// The whole loop with real peers: a grpcio client's calls recorded through the proxy to a grpcio server,
/// then replayed against that server and checked. What the client did (ping-pong, a late half-close, a
/// cancel after two messages, errors with details, a 10 MB message, gzip) must replay to the same answers.
@Suite(.timeLimit(.minutes(3))) struct RecordThenReplayTests {
    static let scenarios = [
        "unary", "gzip", "server_stream", "client_stream", "bidi", "fail", "trailers_only", "big",
        "late_half_close", "cancel_stream",
    ]

    @Test func aRecordingOfGrpcioTrafficReplaysAsRecordedAgainstTheSameServer() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        _ = try RecordPeer.runClient(target: harness.target, scenarios: Self.scenarios)
        let recording = try await harness.finish()
        let plan = try ReplayPlan(recording: recording)
        #expect(plan.calls.count == Self.scenarios.count)
        let cancelled = try #require(plan.calls.first { $0.cancel != nil })
        #expect(cancelled.cancel?.afterResponses == 2)
        let late = try #require(plan.calls.first { ($0.halfClose?.afterResponses ?? 0) == 3 })
        #expect(late.requests.map(\.afterResponses) == [0, 1, 2])

        let schema = try ClientSchema(pool: try #require(plan.pool))
        let replayer = try Replayer(
            plan: plan, target: "127.0.0.1:\(server.port)",
            options: .with {
                $0.schedule = .asRecorded(speed: 1)
                $0.connect.plaintext = true
                $0.checker = GoldenChecker(schema: schema)
            })
        let result = try await replayer.run()
        #expect(result.finished == Self.scenarios.count)
        #expect(result.mismatchedCalls == 0, "\(String(describing: result.differences))")
        #expect(result.failedCalls == 0, "\(String(describing: result.statusCounts))")
        // The cancel went out where the client cancelled: CANCELLED, as recorded, after two messages.
        #expect(result.statusCounts[1] == 1)
        // Every status came back as recorded, the errors (with details, trailers-only) included.
        var recorded = Array(repeating: 0, count: 18)
        for call in plan.calls { recorded[call.expected.code ?? 1] += 1 }
        #expect(result.statusCounts == recorded)
        #expect(recorded[0] < Self.scenarios.count - 1)
    }
}
