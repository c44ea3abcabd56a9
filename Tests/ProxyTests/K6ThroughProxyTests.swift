import DemoServer
import Foundation
import ProtoCodec
import Recording
import TestSupport
import Testing

/// k6 through the recording proxy to the demo server, every RPC kind: k6 sees what it sees without the
/// proxy, and the recording's decoded messages are exactly what k6 sent and received.
@Suite(.timeLimit(.minutes(3))) struct K6ThroughProxyTests {
    /// Runs the k6 script against `address` and returns what it logged as sent and received.
    static func runK6(address: String) async throws -> JSONValue {
        let script = Repository.root.appendingPathComponent("Tests/ProxyTests/Peers/k6-record.js").path
        return try JSONValue(
            parsing: try await K6Script.seen(
                script: script, environment: [("ADDR", address), ("PROTOS", Repository.fixture("protos/demo").path)]))
    }

    @Test func k6SeesWhatItSeesDirectlyAndTheRecordingHoldsExactlyItsMessages() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let direct = try await Self.runK6(address: "127.0.0.1:\(server.port)")
        let harness = try await ProxyHarness.start(
            upstreamPort: server.port, registry: DemoSchema.registry, schemaFiles: ["demo/v1/demo.proto"])
        let proxied = try await Self.runK6(address: harness.target)
        let recording = try await harness.finish()
        await server.shutdown()

        #expect(proxied == direct)
        // k6 closing its connection is normal: no warning. (Its GOAWAY names its own last stream, which the
        // NIOHTTP2 demo server answers with GOAWAY PROTOCOL_ERROR on every close, proxy or not; the tap
        // reported that answer whenever it came through before the connection ended.)
        #expect(harness.logs.all.isEmpty, "\(harness.logs.all)")
        guard case .array(let calls) = proxied else {
            Issue.record("k6 logged \(proxied)")
            return
        }
        #expect(calls.count == 4)
        let recorded = recording.calls
        #expect(recorded.map(\.start.kind) == [.unary, .serverStreaming, .clientStreaming, .bidi])
        for (seen, call) in zip(calls, recorded) {
            #expect(seen["method"] == .string(call.start.method))
            #expect(seen["requests"] == .array(call.requests.compactMap(\.json)), "\(call.start.method)")
            #expect(seen["responses"] == .array(call.responses.compactMap(\.json)), "\(call.start.method)")
            #expect(call.trailers?.code == 0)
            #expect(call.end?.outcome == .ok)
        }
        #expect(recorded.first?.start.metadata.contains { $0.key == "x-token" && $0.value == "abc" } == true)
    }
}
