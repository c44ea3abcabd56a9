import Foundation
import Mock
import ProtoCodec
import ProtoSchema
import Recording
import TestSupport
import Testing

/// grpcio (C core) against the mock: every RPC kind, an error with details and a trailers-only answer come
/// back with the same bytes, statuses, headers and trailers as the real server gave while recording.
@Suite(.timeLimit(.minutes(3))) struct GRPCIOMockTests {
    static let peers = Repository.root.appendingPathComponent("Tests/ProxyTests/Peers")
    static let registry: MessageRegistry = {
        let pool = try! DescriptorPool(
            importPaths: [Repository.fixture("protos/record").path], files: ["recordtest/v1/record_test.proto"])
        return try! MessageRegistry(pool: pool)
    }()
    static let scenarios = [
        "unary", "server_stream", "client_stream", "bidi", "fail", "trailers_only", "late_half_close", "cancel_stream",
    ]

    static func runClient(_ port: Int, _ scenarios: [String]) async throws -> [JSONValue] {
        let output = try await Subprocess.check(
            [
                try Repository.python(), peers.appendingPathComponent("record_client.py").path, "--target",
                "127.0.0.1:\(port)",
            ] + scenarios, timeout: .seconds(120))
        return try output.stdoutText.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    @Test func grpcioGetsFromTheMockWhatTheServerGaveWhileRecording() async throws {
        let server = try PeerProcess([
            try Repository.python(), Self.peers.appendingPathComponent("record_server.py").path,
        ])
        let directory = try TemporaryDirectory(prefix: "reprise-mock")
        var recordedView: [JSONValue] = []
        let (path, recording) = try await MockFixtures.record(
            upstreamPort: server.port, registry: Self.registry, files: ["recordtest/v1/record_test.proto"],
            in: directory
        ) { port in recordedView = try await Self.runClient(port, Self.scenarios) }
        server.stop()

        let log = MockLog()
        let mock = try await MockFixtures.mock([(path, recording)], log: log)
        let mocked = try await Self.runClient(mock.port, Self.scenarios)
        await mock.shutdown()

        #expect(mocked.count == recordedView.count)
        for (seen, expected) in zip(mocked, recordedView) {
            #expect(seen == expected, "\(expected["scenario"] ?? "?")")
        }
        #expect(log.all.isEmpty, "\(log.all)")
        let counts = mock.statistics.snapshot
        #expect(counts.values.map(\.missed).reduce(0, +) == 0)
        #expect(counts.values.map(\.matched).reduce(0, +) == Self.scenarios.count)
    }
}
