import Foundation
import GRPCWire
import NIOCore
import ProtoCodec
import Proxy
import Recording
import TestSupport

/// A recording proxy in front of a server, writing to a temporary recording: start it, send traffic to
/// `port`, then `finish()` and read what was recorded.
final class ProxyHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let path: String
    let recorder: ProxyRecorder
    let proxy: ProxyServer
    private(set) var failures: [String] = []
    private let lock = NSLock()

    var port: Int { proxy.port }
    var target: String { "127.0.0.1:\(proxy.port)" }

    static func start(
        upstreamPort: Int, registry: MessageRegistry? = RecordPeer.registry,
        schemaFiles: [String] = ["recordtest/v1/record_test.proto"], redaction: RedactionPolicy = .defaults,
        options: RecordingSession.Options = RecordingSession.Options(),
        recorderConfiguration: ProxyRecorder.Configuration = ProxyRecorder.Configuration(),
        configure: (inout ProxyConfiguration) -> Void = { _ in }
    ) async throws -> ProxyHarness {
        var configuration = ProxyConfiguration(upstreamHost: "127.0.0.1", upstreamPort: upstreamPort)
        configure(&configuration)
        let recorder = ProxyRecorder(configuration: recorderConfiguration)
        let logs = LogCollector()
        let proxy = try await ProxyServer.start(
            configuration: configuration, recorder: recorder, group: testGroup, log: { logs.append($0) })
        let directory = try TemporaryDirectory(prefix: "reprise-proxy")
        let path = directory.path("recording.jsonl").path
        let schema = try registry.map { try EmbeddedSchema(pool: $0.pool, files: schemaFiles) }
        let writer = try RecordingWriter(
            path: path,
            header: RecordingHeader(
                source: .proxy(
                    listen: "127.0.0.1:\(proxy.port)", upstream: configuration.upstreamTarget,
                    tls: configuration.tlsDescription), schema: schema, redaction: redaction), sync: .never)
        recorder.start(session: try RecordingSession(writer: writer, registry: registry, options: options))
        return ProxyHarness(directory: directory, path: path, recorder: recorder, proxy: proxy, logs: logs)
    }

    let logs: LogCollector

    private init(
        directory: TemporaryDirectory, path: String, recorder: ProxyRecorder, proxy: ProxyServer, logs: LogCollector
    ) {
        self.directory = directory
        self.path = path
        self.recorder = recorder
        self.proxy = proxy
        self.logs = logs
    }

    /// Stops the proxy (gracefully, within `grace`), closes the recording and reads it.
    func finish(grace: Duration = .seconds(5)) async throws -> Recording {
        await proxy.shutdown(gracePeriod: grace)
        try recorder.finish()
        return try Recording.load(path: path)
    }

    /// A GRPCWire client connected to the proxy.
    func connect(configuration: ClientConnection.Configuration = .defaults) async throws -> ClientConnection {
        try await ClientConnection.connect(
            host: "127.0.0.1", port: port, configuration: configuration, group: testGroup)
    }
}

/// Lines the proxy logged.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
