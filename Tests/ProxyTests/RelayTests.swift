import DemoServer
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import ProtoCodec
import Proxy
import Recording
import TestSupport
import Testing

/// The proxy as a byte relay: h2load's calls all recorded, a drain that puts the proxy's GOAWAY between the
/// server's frames, and TCP back-pressure from a client that stops reading.
@Suite(.timeLimit(.minutes(3))) struct RelayTests {
    private func note(_ json: String) -> ByteBuffer { ByteBuffer(bytes: RecordPeer.note(json)) }

    @Test func everyCallH2loadMakesIsRelayedAndRecorded() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let harness = try await ProxyHarness.start(
            upstreamPort: server.port, registry: DemoSchema.registry, schemaFiles: ["demo/v1/demo.proto"])
        // demo.v1.Demo/SayHello with HelloRequest{name: "h2load"}.
        let output = try await H2Load.unary(
            authority: harness.target, path: "/demo.v1.Demo/SayHello", message: [0x0A, 6] + Array("h2load".utf8),
            calls: 3000, directory: try TemporaryDirectory(prefix: "reprise-relay-h2load"))
        #expect(output.stdoutText.contains("3000 succeeded, 0 failed, 0 errored"), "\(output.stdoutText)")
        try await eventually { harness.recorder.statistics.calls == 3000 && harness.recorder.statistics.openCalls == 0 }
        let recording = try await harness.finish()
        await server.shutdown()
        #expect(recording.calls.count == 3000)
        #expect(recording.calls.allSatisfy { $0.end?.outcome == .ok && $0.trailers?.code == 0 })
        #expect(recording.calls.allSatisfy { $0.requests.first?.json?["name"] == "h2load" })
        #expect(Set(recording.calls.map(\.start.connection)).count == 4)
        #expect(harness.logs.all.isEmpty, "\(harness.logs.all)")
    }

    /// `top -H` and `perf` show the recorder's work under its own name (Linux refuses names over 15 bytes,
    /// and a refused thread keeps its parent's name).
    @Test func theRecorderThreadCarriesItsName() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        func threadNames() -> [String] {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.compactMap {
                try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        try await eventually { threadNames().contains("reprise-record") }
        _ = try await harness.finish()
    }

    @Test func aStopLetsAStreamInFlightFinishBehindTheProxysGoAway() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        let connection = try await harness.connect()
        let events = CallEvents()
        // 30 messages, 50 ms apart: the stop comes in the middle of the stream.
        let call = connection.makeCall(path: RecordPeer.path("Drip"), delegate: events)
        call.send(note(#"{"count":"30"}"#), endStream: true)
        var iterator = events.events.makeAsyncIterator()
        _ = await events.messages(5, iterator: &iterator)
        async let recording = harness.finish(grace: .seconds(20))
        // The GOAWAY went in between two of the server's frames: the client stops taking calls, and the
        // stream goes on undisturbed to its end.
        try await eventually { !connection.isAcceptingCalls }
        let (result, count) = await events.result(iterator: &iterator)
        #expect(result?.status.code == .ok, "\(String(describing: result))")
        #expect(count == 25)
        let recorded = try await recording
        #expect(recorded.calls.count == 1)
        #expect(recorded.calls.first?.responses.count == 30)
        #expect(recorded.calls.first?.end?.outcome == .ok)
        try await connection.closeFuture.get()
    }

    @Test func aClientThatStopsReadingItsSocketStopsTheProxyReadingTheServer() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        // 64 messages of 1 MiB, with windows wide open: only TCP can hold the server back.
        let total = 64
        let client = try await StalledClient.connect(
            port: harness.port, path: RecordPeer.path("Flood"), request: note(#"{"count":"\#(total)"}"#))
        // The server writes until TCP holds it back: wait until it stops.
        let produced = try #require(
            try await settled { FlowControlTests.produced(by: server) }, "the server's count kept changing")
        // Socket buffers on loopback hold a few MiB each way; without back-pressure the proxy would read
        // (and hold) everything the server sends, and the server would produce all 64 MiB.
        #expect(produced < total / 2, "the server produced \(produced) of \(total) messages")
        // What the proxy read, it recorded.
        try await eventually { harness.recorder.statistics.messages >= 2 }
        try await client.close()
        _ = try await harness.finish()
    }

    /// The mirror of the test above: a server that stops reading its socket (a handler stuck before it
    /// reads) while the client uploads 64 MiB. The proxy stops reading the client once the server's socket
    /// is full, so the client's writes are held back in the client; reading again, the server gets every
    /// byte and the recording every message.
    @Test func aServerThatStopsReadingItsSocketStopsTheProxyReadingTheClient() async throws {
        let server = try await StalledServer.start()
        let harness = try await ProxyHarness.start(upstreamPort: server.port, registry: nil)
        let client = try await UploadingClient.connect(port: harness.port)
        let count = 64
        let size = 1 << 20
        let messages = (0..<count).map { index in
            var framed = ByteBuffer(bytes: [0])
            framed.writeInteger(UInt32(size))
            framed.writeRepeatingByte(UInt8(index), count: size)
            return framed
        }
        let total = count * (size + 5)
        try await client.upload(path: RecordPeer.path("ClientStream"), messages: messages)

        // The client writes until TCP holds it back: wait until it stops.
        let flushed = try #require(
            try await settled { client.flushed }, "the client's count kept changing")
        let received = server.received
        // The server read at most what came in before it stopped; the client is held back far from the end:
        // socket buffers on loopback hold a few MiB each way, and without back-pressure the proxy would
        // read (and hold) the whole upload.
        #expect(received < 4 * size, "the server read \(received) bytes")
        #expect(flushed < total / 2, "the client wrote \(flushed) of \(total) bytes")
        // What the proxy holds is what went into its sockets: bounded by socket buffers, not by the upload.
        #expect(flushed - received < 24 * size, "\(flushed - received) bytes between the client and the server")
        #expect(harness.recorder.statistics.messages < count)

        // Reading again, the server gets every byte and answers; the recording has every message, whole.
        try await server.resume()
        try await eventually { server.ended }
        #expect(server.received == total)
        #expect(client.flushed == total)
        try await eventually { client.responseHeaders.last?.first(name: "grpc-status") == "0" }
        try await client.close()
        let recording = try await harness.finish()
        let call = try #require(recording.calls.first)
        #expect(recording.calls.count == 1)
        #expect(call.requests.count == count)
        #expect(call.requests.allSatisfy { $0.raw.count == size })
        #expect(call.requests.enumerated().allSatisfy { index, message in message.raw.first == UInt8(index) })
        #expect(call.end?.outcome == .ok)
        #expect(harness.logs.all.isEmpty, "\(harness.logs.all)")
        try await server.close()
    }

    @Test func aClientThatLeavesWhileTheServersTLSIsStillBeingSetUpLetsTheProxyStop() async throws {
        // A server that takes the TCP connection and never answers the TLS handshake.
        let silent = try await ServerBootstrap(group: testGroup).bind(host: "127.0.0.1", port: 0).get()
        let harness = try await ProxyHarness.start(upstreamPort: silent.localAddress!.port!) {
            $0.upstreamTLS = .defaults { $0.trustSystemRoots = false }
        }
        let raw = try await RawConnection.connect(port: harness.port)
        try await eventually { harness.proxy.connectionsAccepted == 1 }
        try await raw.channel.close()
        // Both sides close: the connection leaves the proxy, so a stop does not wait for it.
        try await eventually { harness.proxy.connectionCount == 0 }
        _ = try await harness.finish(grace: .seconds(1))
        #expect(!harness.logs.all.contains { $0.contains("could not be reached") }, "\(harness.logs.all)")
        try await silent.close()
    }
}

/// An HTTP/2 client that opens one call with the largest windows HTTP/2 allows and then never reads its
/// socket: whatever the server sends piles up in TCP buffers.
struct StalledClient {
    let channel: any Channel

    static func connect(port: Int, path: String, request: ByteBuffer) async throws -> StalledClient {
        let channel = try await ClientBootstrap(group: testGroup)
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var configuration = NIOHTTP2Handler.ConnectionConfiguration()
                    configuration.initialSettings = [
                        HTTP2Setting(parameter: .initialWindowSize, value: Int(Int32.max)),
                        HTTP2Setting(parameter: .maxFrameSize, value: 1 << 20),
                    ]
                    try channel.pipeline.syncOperations.addHandler(
                        NIOHTTP2Handler(mode: .client, connectionConfiguration: configuration))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": "127.0.0.1",
            "content-type": "application/grpc", "te": "trailers",
        ]
        var framed = ByteBuffer(bytes: [0])
        framed.writeInteger(UInt32(request.readableBytes))
        framed.writeImmutableBuffer(request)
        let frames = [
            HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: Int(Int32.max) - 65535)),
            HTTP2Frame(streamID: 1, payload: .headers(.init(headers: headers))),
            HTTP2Frame(streamID: 1, payload: .data(.init(data: .byteBuffer(framed), endStream: true))),
        ]
        for frame in frames.dropLast() { channel.write(frame, promise: nil) }
        try await channel.writeAndFlush(frames.last!)
        return StalledClient(channel: channel)
    }

    func close() async throws { try await channel.close() }
}
