import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoSchema
import Recording
import Reflection

/// A recording served back as the service: every recorded call answered from memory with its recorded
/// headers, messages (at the recorded pace), trailers and status, plus reflection (v1, v1alpha) and health
/// from the recording's embedded schema.
///
/// ```swift
/// let recording = try Recording.load(path: "demo.jsonl")
/// let mock = try await MockServer.start(recordings: [("demo.jsonl", recording)], group: group)
/// print(mock.port)
/// await mock.shutdown()
/// print(mock.statistics.snapshot)
/// ```
public final class MockServer: Sendable {
    /// Calls served, matched, missed and passed through, per method.
    public let statistics: MockStatistics
    /// The recorded methods, in the order they first appear.
    public let methods: [String]
    private let server: GRPCServer
    private let passthrough: PassthroughRelay?

    /// The bound port.
    public var port: Int { server.port }
    /// The bound address.
    public var localAddress: SocketAddress { server.localAddress }

    private init(server: GRPCServer, statistics: MockStatistics, methods: [String], passthrough: PassthroughRelay?) {
        self.server = server
        self.statistics = statistics
        self.methods = methods
        self.passthrough = passthrough
    }

    /// Loads `recordings` (a name for messages, and the content), binds `host:port` and serves them.
    public static func start(
        recordings: [(name: String, recording: Recording)], host: String = "127.0.0.1", port: Int = 0,
        configuration: MockConfiguration = .defaults, group: any EventLoopGroup
    ) async throws -> MockServer {
        let catalog = try MockCatalog(recordings: recordings, configuration: configuration)
        let methods = catalog.books.values.map(\.path).sorted()
        let statistics = MockStatistics(methods: methods)
        var relay: PassthroughRelay?
        if let passthrough = configuration.passthrough {
            let target = "\(passthrough.host):\(passthrough.port)"
            // One connection at a time (misses are not the hot path), replaced when the server lets it go.
            let pool = ConnectionPool(
                host: passthrough.host, port: passthrough.port, configuration: passthrough.client, group: group,
                maxConnections: 1, streamsPerConnection: .max)
            do {
                _ = try await pool.connection()
            } catch {
                throw MockError(
                    "--passthrough \(target): cannot connect: \(error)", kind: .unreachable,
                    transportFailure: TransportFailure.classify(error, target: target))
            }
            let recorder = try passthrough.appendPath.map { path throws(MockError) in
                try PassthroughRecorder(
                    path: path, template: catalog.header, registry: catalog.registry, upstream: target)
            }
            relay = PassthroughRelay(pool: pool, target: target, recorder: recorder, log: configuration.log)
        }
        let context = MockContext(
            statistics: statistics, missCode: configuration.missCode, log: configuration.log, passthrough: relay,
            methods: methods, unanswered: catalog.unanswered)

        var router = ServerRouter()
        for (path, book) in catalog.books {
            let counters = statistics.counters(path)
            router.register(path) { _ in MockCallHandler(mock: context, book: book, counters: counters) }
        }
        router.fallback { _ in MockCallHandler(mock: context, book: nil, counters: nil) }
        if let pool = catalog.pool {
            let services = pool.files.flatMap { $0.services.map(\.fullName) }
            var statuses: [String: ServingStatus] = ["": .serving]
            for service in services { statuses[service] = .serving }
            // Recorded health and reflection calls are answered by the real services, not the recording.
            HealthService(statuses: statuses).register(on: &router)
            ReflectionService(
                pool: pool,
                services: services + ReflectionVersion.allCases.map(\.serviceName) + ["grpc.health.v1.Health"]
            ).register(on: &router)
        } else {
            // Without a schema, reflection is what the recording holds of it (served as any recorded
            // method), and refused at once where it holds nothing.
            for version in ReflectionVersion.allCases where catalog.books[version.path] == nil {
                router.register(version.path) { _ in
                    MockCallHandler(
                        mock: context, book: nil, counters: nil,
                        unserved: "the recording has no schema to serve by reflection (it was made without one)")
                }
            }
        }
        // A recorded request is never too large for the mock that serves its answer (the recorder keeps
        // messages up to 64 MiB; the default limit is gRPC's 4 MiB).
        var serverConfiguration = configuration.server
        serverConfiguration.maxReceiveMessageSize = max(
            serverConfiguration.maxReceiveMessageSize, catalog.books.values.map(\.largestRequest).max() ?? 0)
        let server = try await GRPCServer.start(
            host: host, port: port, configuration: serverConfiguration, router: router, group: group)
        return MockServer(server: server, statistics: statistics, methods: methods, passthrough: relay)
    }

    /// Stops accepting calls, lets calls in flight finish for up to `gracePeriod`, and closes the
    /// passthrough connection.
    public func shutdown(gracePeriod: TimeAmount = .seconds(5)) async {
        await server.shutdown(gracePeriod: gracePeriod)
        await passthrough?.pool.close()
    }
}
