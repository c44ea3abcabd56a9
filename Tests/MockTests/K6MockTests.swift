import DemoServer
import Foundation
import Mock
import ProtoCodec
import Recording
import TestSupport
import Testing

/// k6 v1.1.0 against the mock: what k6 saw from the demo server while the proxy recorded it, it sees again
/// from the mock (messages, statuses, error details, headers, trailers), for all four RPC kinds, with protos
/// and, through the mock's reflection, without.
@Suite(.timeLimit(.minutes(4))) struct K6MockTests {
    static func runK6(address: String, reflect: Bool = false) async throws -> JSONValue {
        let script = Repository.root.appendingPathComponent("Tests/MockTests/Peers/k6-mock.js").path
        let environment = [("ADDR", address), ("PROTOS", Repository.fixture("protos/demo").path)]
        return try JSONValue(
            parsing: try await K6Script.seen(
                script: script, environment: environment + (reflect ? [("REFLECT", "1")] : [])))
    }

    @Test func k6SeesFromTheMockWhatItSawWhileRecordingWithProtosAndThroughReflection() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-mock-k6")
        var recorded: JSONValue = .null
        let (path, recording) = try await MockFixtures.record(
            upstreamPort: server.port, registry: DemoSchema.registry, files: DemoSchema.fileNames, in: directory
        ) { port in recorded = try await Self.runK6(address: "127.0.0.1:\(port)") }
        await server.shutdown()
        #expect(recording.calls.map(\.start.kind) == [.unary, .unary, .serverStreaming, .clientStreaming, .bidi])

        let log = MockLog()
        let mock = try await MockFixtures.mock([(path, recording)], log: log)
        let mocked = try await Self.runK6(address: "127.0.0.1:\(mock.port)")
        let reflected = try await Self.runK6(address: "127.0.0.1:\(mock.port)", reflect: true)
        await mock.shutdown()

        #expect(mocked == recorded)
        #expect(reflected == recorded)
        // The headers and trailers k6 saw are the demo's echo of x-token, as recorded.
        #expect(recorded[0]?["headers"]?["x-token"] == ["abc"])
        #expect(log.all.isEmpty, "\(log.all)")
        #expect(mock.statistics.snapshot["/demo.v1.Demo/SayHello"]?.matched == 2)
    }
}
