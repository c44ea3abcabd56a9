import GRPCWire
import NIOCore
import ProtoSchema
import Reflection

/// Reprise's demo gRPC server: `demo.v1.Demo` (all four RPC kinds, metadata echo, deadlines, errors with
/// details, large messages), k6's example `hello.HelloService`, health checking and server reflection
/// (v1 and v1alpha). Its answers are deterministic, so recordings of it make stable golden files.
///
/// ```swift
/// let server = try await DemoServer.start(host: "127.0.0.1", port: 50051, group: group)
/// print(server.port)
/// await server.shutdown()
/// ```
public final class DemoServer: Sendable {
    /// The underlying server.
    public let server: GRPCServer
    /// The health service: SERVING for the server and both services until changed.
    public let health: HealthService

    /// The bound port.
    public var port: Int { server.port }
    /// The bound address.
    public var localAddress: SocketAddress { server.localAddress }

    private init(server: GRPCServer, health: HealthService) {
        self.server = server
        self.health = health
    }

    /// Starts serving on `host:port` (port 0 picks a free one), over TLS when `tls` is given.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, tls: ServerTLSConfiguration? = nil, group: any EventLoopGroup
    ) async throws -> DemoServer {
        let health = HealthService(statuses: ["": .serving, "demo.v1.Demo": .serving, "hello.HelloService": .serving])
        var configuration = GRPCServer.Configuration()
        configuration.tls = tls
        // Room for the large-message demos (grpc-go's 4 MiB default would stop a 10 MB request).
        configuration.maxReceiveMessageSize = 64 * 1024 * 1024
        let server = try await GRPCServer.start(
            host: host, port: port, configuration: configuration, router: router(health: health), group: group)
        return DemoServer(server: server, health: health)
    }

    /// The routes of every service the demo serves.
    public static func router(health: HealthService) -> ServerRouter {
        var router = ServerRouter()
        DemoService.register(on: &router)
        HelloService.register(on: &router)
        health.register(on: &router)
        let services = DemoSchema.services + ["grpc.health.v1.Health"] + ReflectionVersion.allCases.map(\.serviceName)
        ReflectionService(pool: DemoSchema.pool, services: services).register(on: &router)
        return router
    }

    /// Stops accepting calls and lets calls in flight finish for up to `gracePeriod`.
    public func shutdown(gracePeriod: TimeAmount = .seconds(5)) async {
        await server.shutdown(gracePeriod: gracePeriod)
    }
}
