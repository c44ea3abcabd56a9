import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1.1 server that serves the registry's live totals at `/metrics` in Prometheus' text
/// format, for scraping during a load run. It listens on 127.0.0.1 by default.
public final class MetricsHTTPServer: Sendable {
    private let channel: any Channel
    /// The port it listens on (useful when started with port 0).
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Starts serving `registry` on `host:port` (port 0 picks a free one) using `group`'s event loops.
    public static func start(
        registry: MetricsRegistry, host: String = "127.0.0.1", port: Int = 0,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MetricsHTTPServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsRequestHandler(registry: registry))
                }
            }
            .bind(host: host, port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else {
            try? await channel.close()
            throw MetricsError(.io, "the metrics endpoint could not find its bound port on \(host)")
        }
        return MetricsHTTPServer(channel: channel, port: boundPort)
    }

    /// Stops listening.
    public func stop() async throws {
        try await channel.close()
    }
}
