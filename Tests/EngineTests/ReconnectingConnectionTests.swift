import DemoServer
import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import NIOPosix
import Testing

/// `ReconnectingConnection` against Reprise's demo server on loopback: its dials come from the event loop
/// (`Client.redial`), so what `connect` promises must hold for them too: a fresh connection replaces the
/// client's, the one it replaces is let go, and a failed dial leaves the client without a connection.
@Suite("Engine reconnecting connection", .timeLimit(.minutes(1)))
struct ReconnectingConnectionTests {
    /// One loop, as the replayer pins each connection.
    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    static func client() throws -> Client {
        let client = Client(configuration: .with { $0.group = loop })
        try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
        return client
    }

    static func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await loop.submit(body).get()
    }

    @Test func replaceOpensAFreshConnectionAndLetsTheOldOneGoOnceIdle() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let client = try Self.client()
        let connection = ReconnectingConnection(
            client: client, address: "127.0.0.1:\(server.port)", params: .with { $0.plaintext = true })
        try await connection.connect()
        let first = try #require(try await Self.onLoop { connection.current() })

        let settled = Self.loop.makePromise(of: Void.self)
        connection.whenSettled { settled.succeed() }
        let opening = try await Self.onLoop {
            connection.replace()
            return (connection.isOpening, connection.current() == nil)
        }
        #expect(opening.0, "while the fresh connection opens, calls wait for it")
        #expect(opening.1, "the replaced connection takes no more calls")
        try await settled.futureResult.get()

        let fresh = try #require(try await Self.onLoop { connection.current() })
        #expect(fresh !== first)
        #expect(client.connection === fresh, "the fresh connection is the client's")
        #expect(!first.isAcceptingCalls)
        try await first.closeFuture.get()  // it had no calls: it closes at once, with a GOAWAY
        let counts = connection.counts
        #expect(counts.renewed == 1 && counts.reconnected == 0 && counts.lost == 0 && counts.failedAttempts == 0)

        await connection.close()
        #expect(!client.isConnected)
        await server.shutdown(gracePeriod: .milliseconds(100))
    }

    @Test func aServerThatGoesAwayIsDialledAgainUntilItIsBack() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let port = server.port
        let client = try Self.client()
        let connection = ReconnectingConnection(
            client: client, address: "127.0.0.1:\(port)", params: .with { $0.plaintext = true },
            minimumBackoff: .milliseconds(10), maximumBackoff: .milliseconds(40))
        try await connection.connect()
        let first = try #require(try await Self.onLoop { connection.current() })
        await server.shutdown(gracePeriod: .milliseconds(10))
        try await first.closeFuture.get()

        // Nothing listens: the dials from the loop fail, and the client is left without a connection, as
        // after a failed `connect`.
        let deadline = ContinuousClock.now + .seconds(10)
        while connection.counts.failedAttempts < 2, ContinuousClock.now < deadline {
            _ = try await Self.onLoop { connection.current() }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(connection.counts.failedAttempts >= 2)
        #expect(connection.counts.lost == 1)
        #expect(!client.isConnected)
        let status = try await Self.onLoop { connection.unavailableStatus }
        #expect(status.code == .unavailable)
        #expect(status.message.contains("127.0.0.1:\(port)"), "\(status.message)")

        // Back on the same port: the next attempt connects, and calls have a connection again.
        let again = try await DemoServer.start(port: port, group: MultiThreadedEventLoopGroup.singleton)
        var back: ClientConnection?
        while back == nil, ContinuousClock.now < deadline + .seconds(10) {
            back = try await Self.onLoop { connection.current() }
            if back == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let fresh = try #require(back)
        #expect(fresh !== first)
        #expect(client.connection === fresh)
        #expect(connection.counts.reconnected == 1)

        await connection.close()
        await again.shutdown(gracePeriod: .milliseconds(100))
    }
}
