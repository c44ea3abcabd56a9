import DemoServer
import Engine
import Foundation
import GRPCProtocol
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

    @Test func recordedBytesGoOutUnchanged() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let client = Client()
        try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
        try await client.connect("127.0.0.1:\(server.port)", params: .with { $0.plaintext = true })
        // EchoRequest{text: "raw", number: 5} as protobuf, as a recording holds it.
        let recorded: [UInt8] = [0x0A, 3, 0x72, 0x61, 0x77, 0x10, 5]
        let fromBytes = try await client.invoke("demo.v1.Demo/Echo", request: .protobuf(recorded))
        #expect(fromBytes.message?["request"]?["text"] == "raw" && fromBytes.message?["request"]?["number"] == "5")
        let fromBuffer = try await client.invoke("demo.v1.Demo/Echo", request: .buffer(ByteBuffer(bytes: recorded)))
        #expect(fromBuffer.message == fromBytes.message)

        // A prepared call with its request swapped, answered as raw bytes only.
        let prepared = try client.prepare(
            "demo.v1.Demo/Echo", request: .json(#"{"text":"json"}"#), params: .with { $0.responseFormat = .protobuf })
        let swapped = try await client.invoke(prepared.withRequest(ByteBuffer(bytes: recorded)))
        #expect(swapped.message == nil)
        let raw = try #require(swapped.rawMessage)
        // EchoReply.request (field 1) holds the request bytes exactly.
        #expect(Array(raw.readableBytesView.prefix(2 + recorded.count)) == [0x0A, UInt8(recorded.count)] + recorded)

        // The handler path: responses arrive on the event loop, no Task per call.
        let received = Collector()
        try client.start(prepared, handler: received)
        try client.start(prepared.withRequest(ByteBuffer(bytes: recorded)), handler: received)
        for _ in 0..<3000 where received.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(received.count == 2)
        await client.close()
        await server.shutdown(gracePeriod: .milliseconds(100))
    }
}

/// Counts responses delivered to a `ResponseHandler`.
final class Collector: ResponseHandler, Sendable {
    private let statuses = Mutex<[StatusCode]>([])
    var count: Int { statuses.withLock { $0.filter { $0 == .ok }.count } }
    func received(_ response: Response, for call: PreparedCall) {
        statuses.withLock { $0.append(response.status) }
    }
}
