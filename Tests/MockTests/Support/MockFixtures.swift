import DemoServer
import Foundation
import GRPCWire
import Mock
import NIOCore
import NIOPosix
import ProtoCodec
import Proxy
import Recording
import TestSupport

/// The event loops every mock test shares.
let testGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)

/// Lines the mock logged.
final class MockLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

enum MockFixtures {
    /// Real traffic recorded the way `reprise record` does: a proxy in front of the server at
    /// `upstreamPort`, `traffic` sent to the proxy's port, the recording read back.
    static func record(
        upstreamPort: Int, registry: MessageRegistry, files: [String], in directory: TemporaryDirectory,
        traffic: (Int) async throws -> Void
    ) async throws -> (path: String, recording: Recording) {
        let recorder = ProxyRecorder(configuration: ProxyRecorder.Configuration())
        let proxy = try await ProxyServer.start(
            configuration: ProxyConfiguration(upstreamHost: "127.0.0.1", upstreamPort: upstreamPort),
            recorder: recorder, group: testGroup, log: { _ in })
        let path = directory.path("recorded-\(UUID().uuidString.prefix(8)).jsonl").path
        let writer = try RecordingWriter(
            path: path,
            header: RecordingHeader(
                source: .proxy(listen: "127.0.0.1:\(proxy.port)", upstream: "127.0.0.1:\(upstreamPort)", tls: "none"),
                schema: try EmbeddedSchema(pool: registry.pool, files: files)), sync: .never)
        recorder.start(session: try RecordingSession(writer: writer, registry: registry))
        try await traffic(proxy.port)
        await proxy.shutdown(gracePeriod: .seconds(5))
        try recorder.finish()
        return (path, try Recording.load(path: path))
    }

    /// Starts a mock serving `recordings`.
    static func mock(
        _ recordings: [(name: String, recording: Recording)], log: MockLog = MockLog(),
        configure: (inout MockConfiguration) -> Void = { _ in }
    ) async throws -> MockServer {
        var configuration = MockConfiguration.defaults
        configuration.log = { log.append($0) }
        configure(&configuration)
        return try await MockServer.start(recordings: recordings, configuration: configuration, group: testGroup)
    }

    static func connect(_ port: Int) async throws -> ClientConnection {
        try await ClientConnection.connect(host: "127.0.0.1", port: port, group: testGroup)
    }

    /// A demo message's bytes from JSON.
    static func demo(_ type: String, _ json: String) -> ByteBuffer {
        let type = DemoSchema.registry.type(named: type)!
        return ByteBuffer(bytes: try! BinaryEncoding(DynamicMessage(type: type, jsonString: json)).bytes)
    }

    /// A demo message's JSON from bytes.
    static func json(_ type: String, _ buffer: ByteBuffer?) -> JSONValue? {
        guard let buffer else { return nil }
        let type = DemoSchema.registry.type(named: type)!
        return try? DynamicMessage(type: type, serializedBytes: Array(buffer.readableBytesView)).jsonValue()
    }
}
