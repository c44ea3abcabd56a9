import Foundation
import ProtoCodec
import Recording
import TestSupport
import Testing

/// A grpcio client through the proxy: when it half-closes and when it cancels is recorded in order with
/// the call's messages, where the replayer needs it.
@Suite(.timeLimit(.minutes(3))) struct ClientEndTests {
    static let scenarios = ["unary", "late_half_close", "cancel_stream"]

    /// One run shared by the suite: the grpcio client's scenarios through the proxy to the grpcio server.
    final class Run: Sendable {
        let client: [String: JSONValue]
        let calls: [String: RecordedCall]
        /// Each scenario's events in file order.
        let events: [String: [RecordingEvent]]
        let harness: ProxyHarness

        init() async throws {
            let server = try RecordPeer.startServer()
            defer { server.stop() }
            harness = try await ProxyHarness.start(upstreamPort: server.port)
            let results = try RecordPeer.runClient(target: harness.target, scenarios: scenarios)
            let recording = try await harness.finish()
            client = Dictionary(uniqueKeysWithValues: results.map { ($0["scenario"]!.stringValue!, $0) })
            let recorded = recording.calls
            precondition(recorded.count == scenarios.count, "recorded \(recorded.count) calls")
            calls = Dictionary(uniqueKeysWithValues: zip(scenarios, recorded).map { ($0, $1) })
            events = Dictionary(
                uniqueKeysWithValues: zip(scenarios, recorded).map { scenario, call in
                    (scenario, recording.events.filter { $0.call == call.start.call })
                })
        }
    }

    static let run = Task { try await Run() }

    @Test func aUnaryRequestIsFollowedByItsHalfClose() async throws {
        let run = try await Self.run.value
        let types = try #require(run.events["unary"]).map(\.typeName)
        #expect(types == ["call", "message", "half_close", "headers", "message", "trailers", "end"])
        let call = try #require(run.calls["unary"])
        #expect(call.responsesBeforeHalfClose == 0)
        #expect(call.halfClose.map { $0.time >= call.requests[0].time } == true)
        #expect(call.cancel == nil)
    }

    @Test func aLateHalfCloseComesAfterTheResponsesTheClientWaitedFor() async throws {
        let run = try await Self.run.value
        let call = try #require(run.calls["late_half_close"])
        let client = try #require(run.client["late_half_close"])
        #expect(client["code"] == 0)
        // Ping-pong: each request went out after the response to the one before it.
        #expect(call.requests.count == 3)
        #expect((0..<3).map { call.responsesBefore(requestIndex: $0) } == [0, 1, 2])
        // The client half-closed only after the third response, and after its last request.
        #expect(call.responsesBeforeHalfClose == 3)
        let halfClose = try #require(call.halfClose)
        let lastResponse = try #require(call.responses.last)
        #expect(halfClose.time >= lastResponse.time + 100_000_000, "the client paused 200 ms before it")
        #expect(halfClose.time >= call.requests[2].time)
        let events = try #require(run.events["late_half_close"])
        let halfCloseIndex = try #require(events.firstIndex { $0.typeName == "half_close" })
        let lastRequestIndex = try #require(
            events.lastIndex {
                if case .message(let message) = $0 { message.direction == .request } else { false }
            })
        #expect(lastRequestIndex < halfCloseIndex)
        #expect(events[(halfCloseIndex + 1)...].map(\.typeName) == ["trailers", "end"])
        #expect(call.end?.outcome == .ok)
    }

    @Test func aCancelledStreamRecordsTheCancelBeforeItsEnd() async throws {
        let run = try await Self.run.value
        let call = try #require(run.calls["cancel_stream"])
        let client = try #require(run.client["cancel_stream"])
        #expect(client["code"] == 1)
        #expect(client["responses"]?.arrayValue?.count == 2)
        let cancel = try #require(call.cancel)
        #expect(cancel.errorCode == 8)
        // The client cancelled after reading two responses; the proxy may have forwarded one more by then.
        let before = try #require(call.responsesBeforeCancel)
        #expect(before >= 2 && before <= call.responses.count)
        #expect(call.end?.outcome == .reset(by: .client, errorCode: 8))
        #expect(call.trailers == nil)
        let types = try #require(run.events["cancel_stream"]).map(\.typeName)
        #expect(types.suffix(2) == ["cancel", "end"])
        // The server-streaming request half-closed with its message, long before the cancel.
        #expect(Array(types.prefix(3)) == ["call", "message", "half_close"])
        #expect(call.responsesBeforeHalfClose == 0)
    }

    @Test func theRecordingValidatesAgainstTheJSONSchema() async throws {
        let run = try await Self.run.value
        #expect(try JSONSchemaCheck.problems([run.harness.path]) == "")
    }
}
