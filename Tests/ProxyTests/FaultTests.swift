import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import NIOHTTP2
import NIOPosix
import ProtoCodec
import Proxy
import Recording
import TestSupport
import Testing

/// Things going wrong on either side: the proxy passes them on as the client would see them without it,
/// keeps the other connections going, and records what happened.
@Suite(.timeLimit(.minutes(2))) struct FaultTests {
    private func note(_ json: String) -> ByteBuffer { ByteBuffer(bytes: RecordPeer.note(json)) }

    @Test func theServerKilledMidStreamGivesUnavailableAndARecordedPartialStream() async throws {
        let server = try RecordPeer.startServer()
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        let connection = try await harness.connect()
        let events = CallEvents()
        let call = connection.makeCall(path: RecordPeer.path("Drip"), delegate: events)
        call.send(note(#"{"count":"1000"}"#), endStream: true)
        var iterator = events.events.makeAsyncIterator()
        let firstThree = await events.messages(3, iterator: &iterator)
        #expect(firstThree?.count == 3)
        server.kill()
        let (result, _) = await events.result(iterator: &iterator)
        #expect(result?.status.code == .unavailable, "\(String(describing: result))")
        await connection.close()

        let recording = try await harness.finish()
        let recorded = try #require(recording.calls.first)
        #expect(recorded.responses.count >= 3)
        #expect(recorded.responses.first?.json?["text"] == "drop-0")
        #expect(recorded.trailers == nil)
        guard case .error(let reason) = recorded.end?.outcome else {
            Issue.record("expected an error end, got \(String(describing: recorded.end))")
            return
        }
        #expect(reason.contains("the server connection closed"), "\(reason)")
    }

    @Test func aClientResetReachesTheServerAndIsRecorded() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        let connection = try await harness.connect()
        let events = CallEvents()
        let call = connection.makeCall(path: RecordPeer.path("Slow"), delegate: events)
        call.send(note(#"{"count":"20000"}"#), endStream: true)
        // Wait until the server has the call (the recorder saw its request), then cancel.
        try await eventually { harness.recorder.statistics.messages >= 1 }
        call.cancel()
        var iterator = events.events.makeAsyncIterator()
        let (result, _) = await events.result(iterator: &iterator)
        #expect(result?.status.code == .cancelled)
        try await eventually { server.stderrText.contains("cancelled") }
        await connection.close()
        let recording = try await harness.finish()
        #expect(recording.calls.first?.end?.outcome == .reset(by: .client, errorCode: 8))
    }

    @Test func aServerResetReachesTheClientAndIsRecorded() async throws {
        let server = try await ResettingServer.start(code: .enhanceYourCalm)
        let direct = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let directResponse = await direct.unary(path: RecordPeer.path("Unary"), request: note("{}"))
        await direct.close()
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        let connection = try await harness.connect()
        let response = await connection.unary(path: RecordPeer.path("Unary"), request: note("{}"))
        await connection.close()
        #expect(response.result.status.code == .resourceExhausted)
        #expect(response.result.status.code == directResponse.result.status.code)
        #expect(response.result.status.message == directResponse.result.status.message)
        let recording = try await harness.finish()
        try await server.close()
        #expect(recording.calls.first?.end?.outcome == .reset(by: .server, errorCode: 0xB))
    }

    @Test func aServerGoAwayLetsCallsInFlightFinishAndReachesTheClient() async throws {
        var router = ServerRouter()
        router.unaryAsync("/test.Slow/Wait") { request, _ in
            try await Task.sleep(for: .milliseconds(500))
            return request
        }
        let server = try await GRPCServer.start(port: 0, router: router, group: testGroup)
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        let connection = try await harness.connect()
        async let inFlight = connection.unary(path: "/test.Slow/Wait", request: ByteBuffer(string: "payload"))
        try await eventually { harness.recorder.statistics.messages >= 1 }
        async let serverStopped: Void = server.shutdown(gracePeriod: .seconds(5))
        let response = await inFlight
        await serverStopped
        #expect(response.result.status.code == .ok)
        #expect(response.message.map { String(buffer: $0) } == "payload")
        // The GOAWAY was passed on: the client's connection stops taking calls and closes.
        try await eventually { !connection.isAcceptingCalls }
        try await connection.closeFuture.get()
        // The proxy hands a read's events to the recorder after forwarding it, so the client can see the
        // response first: wait until the recorder has the call's end before stopping it.
        try await eventually { harness.recorder.statistics.calls == 1 && harness.recorder.statistics.openCalls == 0 }
        let recording = try await harness.finish()
        #expect(recording.calls.count == 1)
        #expect(recording.calls.first?.end?.outcome == .ok)
        #expect(recording.calls.first?.start.kind == .unknown)
    }

    @Test func bytesThatAreNotHTTP2AreRelayedAsTheyAreAndTheLogSaysWhereOthersGoOn() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        let connection = try await harness.connect()
        let events = CallEvents()
        let call = connection.makeCall(path: RecordPeer.path("Drip"), delegate: events)
        call.send(note(#"{"count":"20"}"#), endStream: true)
        var iterator = events.events.makeAsyncIterator()
        _ = await events.messages(1, iterator: &iterator)

        let raw = try await RawConnection.connect(port: harness.port)
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
        // PING must be on stream 0 (RFC 9113 §6.7). The proxy does not police the protocol: the bytes go
        // to the server as they are, and grpcio answers this one; the recording stops reading there.
        let badPing: [UInt8] = [0, 0, 8, 6, 0, 0, 0, 0, 1] + [1, 2, 3, 4, 5, 6, 7, 8]
        try await raw.send(preface + settings + badPing)
        let (bytes, _) = try await raw.receivedUntilClosed(timeout: .seconds(2))
        let frames = RawFrame.all(in: bytes)
        #expect(frames.contains { $0.type == 4 }, "the server's SETTINGS came through")
        #expect(frames.contains { $0.type == 6 && $0.payload == [1, 2, 3, 4, 5, 6, 7, 8] }, "the server's PING answer")

        let (result, count) = await events.result(iterator: &iterator)
        #expect(result?.status.code == .ok)
        #expect(count == 19)
        await connection.close()
        let recording = try await harness.finish()
        #expect(recording.calls.count == 1)
        #expect(recording.calls.first?.responses.count == 20)
        let offset = preface.count + settings.count
        #expect(
            harness.logs.all.contains {
                $0.hasSuffix(
                    "the client's bytes are not readable HTTP/2 from byte \(offset) on: PING on stream 1; "
                        + "the rest of it is not recorded")
            }, "\(harness.logs.all)")
    }

    @Test func callsToServicesTheSchemaDoesNotKnowAreForwardedAndRecordedRaw() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let direct = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let directResponse = await direct.unary(path: "/unknown.v1.Thing/Do", request: ByteBuffer(bytes: [0x08, 0x01]))
        await direct.close()
        var options = RecordingSession.Options()
        options.includeRawFields = true
        let harness = try await ProxyHarness.start(upstreamPort: server.port, options: options)
        let connection = try await harness.connect()
        let response = await connection.unary(path: "/unknown.v1.Thing/Do", request: ByteBuffer(bytes: [0x08, 0x01]))
        await connection.close()
        #expect(response.result.status == directResponse.result.status)
        #expect(response.result.status.code == .unimplemented)
        let call = try #require(try await harness.finish().calls.first)
        #expect(call.start.kind == .unknown)
        #expect(call.requests.first?.json == nil)
        #expect(call.requests.first?.raw == [0x08, 0x01])
        #expect(call.requests.first?.rawFields == [["field": 1, "varint": 1]])
        #expect(call.trailers?.code == 12)
        #expect(call.trailers?.trailersOnly == true)
    }

    @Test func aCallThatCannotReachTheServerIsRecordedAndGetsUnavailableWithTheReason() async throws {
        let harness = try await ProxyHarness.start(upstreamPort: 1)
        let connection = try await harness.connect()
        let response = await connection.unary(path: RecordPeer.path("Unary"), request: note(#"{"text":"hi"}"#))
        let reason = "the server 127.0.0.1:1 could not be reached: connection refused by 127.0.0.1:1"
        #expect(response.result.status.code == .unavailable)
        #expect(response.result.status.message.contains(reason), "\(response.result.status.message)")
        // A GOAWAY follows, so a client that retries does it on a new connection (and a new attempt).
        try await eventually { !connection.isAcceptingCalls }
        await connection.close()
        let recording = try await harness.finish()
        let call = try #require(recording.calls.first)
        #expect(call.start.method == RecordPeer.path("Unary"))
        #expect(call.requests.first?.json?["text"] == "hi")
        #expect(call.trailers == nil)
        guard case .error(let recorded) = call.end?.outcome else {
            Issue.record("expected an error end, got \(String(describing: call.end))")
            return
        }
        #expect(recorded.hasPrefix(reason), "\(recorded)")
        #expect(harness.logs.all.contains { $0.contains(reason) }, "\(harness.logs.all)")
        #expect(!harness.logs.all.contains { $0.contains("Error(") || $0.contains("errno") }, "\(harness.logs.all)")
    }

    /// A plaintext server that accepts the connection and closes it without a byte (as some servers that
    /// expect TLS do, or a port that is not a gRPC server's): the proxy answers as for a server it cannot
    /// reach, and says so, where it used to record "the server connection closed" and log nothing.
    @Test func aServerThatClosesWithoutAWordOfHTTP2IsAnsweredForAndNamed() async throws {
        let closer = try await ServerBootstrap(group: testGroup)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(CloseAtOnce()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(closer.localAddress?.port)
        let harness = try await ProxyHarness.start(upstreamPort: port)
        let connection = try await harness.connect()
        let response = await connection.unary(path: RecordPeer.path("Unary"), request: note(#"{"text":"hi"}"#))
        let reason =
            "the server 127.0.0.1:\(port) could not be reached: it closed the connection without a word of HTTP/2, "
            + "so it may expect TLS there, or not be a gRPC (HTTP/2) server"
        #expect(response.result.status.code == .unavailable)
        #expect(response.result.status.message.hasSuffix(reason), "\(response.result.status.message)")
        await connection.close()
        let recording = try await harness.finish()
        try await closer.close()
        let call = try #require(recording.calls.first)
        #expect(call.requests.first?.json?["text"] == "hi")
        #expect(call.end?.outcome == .error(reason), "\(String(describing: call.end))")
        #expect(harness.logs.all.contains { $0.contains(reason) }, "\(harness.logs.all)")
    }

    /// A client that does not start with the HTTP/2 preface (an HTTP/1.1 upgrade, anything else) gets the
    /// server's bytes as they are: the proxy answers for a server only when the client spoke HTTP/2.
    @Test func aClientThatDoesNotSpeakHTTP2GetsTheServersBytesAsTheyAre() async throws {
        let echo = try await ServerBootstrap(group: testGroup)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoBytes()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let harness = try await ProxyHarness.start(upstreamPort: try #require(echo.localAddress?.port))
        let raw = try await RawConnection.connect(port: harness.port)
        let request = Array("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n\r\n".utf8)
        try await raw.send(request)
        let (bytes, _) = try await raw.receivedUntilClosed(timeout: .seconds(1))
        _ = try await harness.finish()
        try await echo.close()
        #expect(bytes == request)
        #expect(!harness.logs.all.contains { $0.contains("could not be reached") }, "\(harness.logs.all)")
    }

    /// A stream the client has not half-closed when the proxy answers UNAVAILABLE: the client resets it,
    /// and that ends the proxy's answering connection in the middle of reading it. The call still ends
    /// with the reason, after its request, and no call stays in flight.
    @Test func anOpenStreamThatCannotReachTheServerEndsWithTheReason() async throws {
        let harness = try await ProxyHarness.start(upstreamPort: 1)
        let connection = try await harness.connect()
        let events = CallEvents()
        let call = connection.makeCall(path: RecordPeer.path("Bidi"), delegate: events)
        call.send(note(#"{"text":"one"}"#))
        var iterator = events.events.makeAsyncIterator()
        let (result, _) = await events.result(iterator: &iterator)
        #expect(result?.status.code == .unavailable, "\(String(describing: result))")
        try await eventually { !connection.isAcceptingCalls }
        await connection.close()
        try await eventually { harness.recorder.statistics.openCalls == 0 }
        let recording = try await harness.finish()
        let recorded = try #require(recording.calls.first)
        #expect(recorded.requests.first?.json?["text"] == "one")
        guard case .error(let reason) = recorded.end?.outcome else {
            Issue.record("expected an error end, got \(String(describing: recorded.end))")
            return
        }
        #expect(reason.hasPrefix("the server 127.0.0.1:1 could not be reached: connection refused"), "\(reason)")
    }
}

/// Polls `condition` every 10 ms until it holds (failing after `timeout`). The condition is checked once
/// more after the deadline: on a busy machine the polling task itself can be held up past it.
func eventually(
    timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    if try condition() { return }
    Issue.record("the condition did not hold within \(timeout)", sourceLocation: sourceLocation)
}

/// Closes every connection as soon as it is up.
private final class CloseAtOnce: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    func channelActive(context: ChannelHandlerContext) { context.close(promise: nil) }
}

/// Writes back what it reads.
private final class EchoBytes: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}
