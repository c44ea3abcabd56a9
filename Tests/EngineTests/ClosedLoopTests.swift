import DemoServer
import Engine
import Foundation
import GRPCWire
import NIOCore
import NIOPosix
import ProtoCodec
import Synchronization
import Testing

/// `ClosedLoop` and streams started from event-loop callbacks: the shapes the replayer drives.
@Suite("Engine closed loop")
struct ClosedLoopTests {
    @Test func runsExactlyTotalCallsOverSeveralClients() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let address = "127.0.0.1:\(server.port)"
        var clients: [Client] = []
        for _ in 0..<3 {
            let client = Client()
            try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
            try await client.connect(address, params: .with { $0.plaintext = true })
            clients.append(client)
        }
        let outcome = try await ClosedLoop.run(clients: clients, total: 1000, concurrency: 7) {
            client throws(EngineError) in
            try client.prepare("hello.HelloService/SayHello", request: .json(#"{"greeting":"x"}"#))
        }
        #expect(outcome.calls == 1000 && outcome.succeeded == 1000)
        let none = try await ClosedLoop.run(clients: clients, total: 0, concurrency: 7) { client throws(EngineError) in
            try client.prepare("hello.HelloService/SayHello", request: .json("{}"))
        }
        #expect(none.calls == 0)
        for client in clients { await client.close() }
        await server.shutdown(gracePeriod: .milliseconds(100))
    }

    @Test func aDeadConnectionFailsEveryCallWithoutOverflowingTheStack() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let client = Client()
        try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
        try await client.connect("127.0.0.1:\(server.port)", params: .with { $0.plaintext = true })
        let call = try client.prepare("hello.HelloService/SayHello", request: .json("{}"))
        await server.shutdown(gracePeriod: .milliseconds(50))
        // Wait until the connection has seen the close, so every call below fails as it starts.
        for _ in 0..<200 {
            let response = try await client.invoke(call)
            if response.status == .unavailable { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let outcome = try await ClosedLoop.run(clients: [client], total: 50_000, concurrency: 1) {
            _ throws(EngineError) in
            call
        }
        #expect(outcome.calls == 50_000)
        #expect(outcome.statusCounts[StatusCode.unavailable.rawValue] == 50_000)
        await client.close()
    }

    @Test func aStreamStartedInsideAHandlerSeesItsFirstWrite() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let client = Client()
        try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
        try await client.connect("127.0.0.1:\(server.port)", params: .with { $0.plaintext = true })
        let inner = Mutex<GRPCStream?>(nil)
        let replies = Mutex<[String]>([])
        let outer = try GRPCStream(client, "demo.v1.Demo/Countdown")
        outer.on(.data) { _, _ in
            guard inner.withLock({ $0 == nil }) else { return }
            // On the event loop: the stream must start at once so this write is not lost.
            let stream = try GRPCStream(client, "hello.HelloService/LotsOfReplies")
            stream.onData { message in replies.withLock { $0.append(message["reply"]?.stringValue ?? "?") } }
            stream.write(.json(#"{"greeting":"in"}"#))
            inner.withLock { $0 = stream }
        }
        outer.write(.json(#"{"from":2}"#))
        await outer.ended()
        let started = try #require(inner.withLock { $0 })
        await started.ended()
        #expect(replies.withLock { $0 } == ["hello in 1", "hello in 2", "hello in 3"])
        await client.close()
        await server.shutdown(gracePeriod: .milliseconds(100))
    }
}
