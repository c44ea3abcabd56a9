import DemoServer
import NIOCore
import NIOPosix

/// Reprise's demo server on a free loopback port, for one test.
struct DemoTarget {
    let server: DemoServer
    var address: String { "127.0.0.1:\(server.port)" }

    static func start() async throws -> DemoTarget {
        DemoTarget(server: try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton))
    }

    func stop() async { await server.shutdown(gracePeriod: .seconds(1)) }
}
