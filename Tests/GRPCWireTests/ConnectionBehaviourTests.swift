import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import NIOPosix
import Synchronization
import TestSupport
import Testing

/// How connections behave under limits and failures: SETTINGS_MAX_CONCURRENT_STREAMS, GOAWAY, a server
/// that disappears, keepalive.
@Suite(.timeLimit(.minutes(2))) struct ConnectionBehaviourTests {
    @Test func callsBeyondGRPCIOsStreamLimitWaitInsteadOfFailing() async throws {
        let peer = try GRPCIOPeer.start(["--max-concurrent-streams", "2"])
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: peer.port, group: testGroup)
        let responses = await withTaskGroup(of: UnaryResponse.self) { group in
            for index in 0..<10 {
                group.addTask {
                    await connection.unary(path: GRPCIOPeer.path("Concurrent"), request: .text("\(index)"))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(
            responses.allSatisfy { $0.result.status.isOK },
            "\(responses.map(\.result.status).filter { !$0.isOK })")
        let maxSeen = await connection.unary(path: GRPCIOPeer.path("MaxConcurrent"), request: .text(""))
        #expect(Int(String(buffer: try #require(maxSeen.message))) ?? 99 <= 2)
        await connection.close()
    }

    @Test func callsBeyondOwnServersStreamLimitAreQueuedInOrder() async throws {
        let tracker = ConcurrencyTracker()
        var router = ServerRouter()
        router.unary("/t.T/Hold") { request, call in
            tracker.enter()
            call.eventLoop.scheduleTask(in: .milliseconds(20)) {
                tracker.leave()
                call.respond(request)
            }
        }
        let server = try await GRPCServer.start(
            configuration: .defaults { $0.http2.maxConcurrentStreams = 3 }, router: router, group: testGroup)
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let responses = await withTaskGroup(of: UnaryResponse.self) { group in
            for index in 0..<12 {
                group.addTask { await connection.unary(path: "/t.T/Hold", request: .text("\(index)")) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(
            responses.allSatisfy { $0.result.status.isOK },
            "\(responses.map(\.result.status).filter { !$0.isOK })")
        #expect(tracker.maximum == 3)
        await connection.close()
        await server.close()
    }

    /// Metadata over the server's SETTINGS_MAX_HEADER_LIST_SIZE (64 KiB by default) is refused by the client
    /// before it is sent, with a status that says why; the connection and its other calls go on.
    @Test func headersOverTheServersListSizeAreRefusedAndTheServerGoesOn() async throws {
        var router = ServerRouter()
        router.unary("/t.T/Echo") { request, call in call.respond(request) }
        let server = try await GRPCServer.start(router: router, group: testGroup)
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        var options = CallOptions.defaults
        options.metadata = ["x-big": .string(String(repeating: "b", count: 100 * 1024))]
        let refused = await connection.unary(path: "/t.T/Echo", request: .text("x"), options: options)
        #expect(refused.result.status.code == .resourceExhausted, "\(refused.result.status)")
        #expect(refused.message == nil)
        #expect(
            refused.result.status.message.hasPrefix("the request's headers are 102"), "\(refused.result.status)")
        #expect(
            refused.result.status.message.hasSuffix(
                "over the 65536 the server accepts (its SETTINGS_MAX_HEADER_LIST_SIZE); send less metadata"))
        // Nothing was sent: the same connection answers the next call.
        let answered = await connection.unary(path: "/t.T/Echo", request: .text("y"))
        #expect(answered.result.status.isOK, "\(answered.result.status)")
        #expect(answered.message.map { String(buffer: $0) } == "y")
        #expect(connection.isAcceptingCalls)
        await connection.close()
        await server.close()
    }

    /// A client that sends a header block over the server's SETTINGS_MAX_HEADER_LIST_SIZE anyway gets a
    /// GOAWAY with PROTOCOL_ERROR and its connection closed, before the block is decoded; the server
    /// answers the next connection.
    @Test func aHeaderBlockOverTheServersListSizeEndsOnlyThatConnection() async throws {
        var router = ServerRouter()
        router.unary("/t.T/Echo") { request, call in call.respond(request) }
        let server = try await GRPCServer.start(router: router, group: testGroup)
        let frames = try await RawHTTP2Client.exchange(
            port: server.port,
            headers: [
                ":method": "POST", ":scheme": "http", ":path": "/t.T/Echo", ":authority": "127.0.0.1",
                "content-type": "application/grpc", "te": "trailers",
                "x-big": String(repeating: "b", count: 100 * 1024),
            ])
        // GOAWAY: last stream id (4 bytes), then the error code; PROTOCOL_ERROR is 1.
        let goAways = frames.filter { $0.type == 0x7 }
        #expect(goAways.count == 1, "\(frames.map(\.type))")
        #expect(goAways.first.map { Array($0.payload[4..<8]) } == [0, 0, 0, 1])
        // No response headers: the call never reached a handler.
        #expect(!frames.contains { $0.type == 0x1 })
        let next = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let answered = await next.unary(path: "/t.T/Echo", request: .text("y"))
        #expect(answered.result.status.isOK, "\(answered.result.status)")
        await next.close()
        await server.close()
    }

    @Test func gracefulShutdownLetsCallsInFlightFinishAndRefusesNewOnes() async throws {
        let held = HeldCalls()
        var router = ServerRouter()
        router.unary("/t.T/Held") { request, call in held.add(call, request) }
        router.unary("/t.T/Quick") { request, call in call.respond(request) }
        let server = try await GRPCServer.start(router: router, group: testGroup)
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let inFlight = (0..<4).map { index in
            connection.unary(path: "/t.T/Held", request: .text("held \(index)"))
        }
        while held.count < 4 { try await Task.sleep(for: .milliseconds(10)) }

        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(30)) }
        while connection.isAcceptingCalls { try await Task.sleep(for: .milliseconds(10)) }
        let refused = await connection.unary(path: "/t.T/Quick", request: .text("late"))
        #expect(refused.result.status.code == .unavailable)
        #expect(refused.result.status.transportFailure?.kind == .goAway)
        #expect(refused.result.status.isSafeToRetry)

        held.releaseAll()
        for future in inFlight {
            let response = try await future.get()
            #expect(response.result.status.isOK)
        }
        await shutdown.value
        try await connection.closeFuture.get()
    }

    /// A client done with a connection lets the calls it has finish, refuses new ones at once, and then
    /// closes it (an idle one at once).
    @Test func closeWhenIdleLetsCallsInFlightFinishThenCloses() async throws {
        let held = HeldCalls()
        var router = ServerRouter()
        router.unary("/t.T/Held") { request, call in held.add(call, request) }
        router.unary("/t.T/Quick") { request, call in call.respond(request) }
        let server = try await GRPCServer.start(router: router, group: testGroup)
        defer { Task { await server.shutdown(gracePeriod: .seconds(1)) } }
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let inFlight = (0..<3).map { index in
            connection.unary(path: "/t.T/Held", request: .text("held \(index)"))
        }
        while held.count < 3 { try await Task.sleep(for: .milliseconds(10)) }

        connection.closeWhenIdle()
        while connection.isAcceptingCalls { try await Task.sleep(for: .milliseconds(10)) }
        let refused = await connection.unary(path: "/t.T/Quick", request: .text("late"))
        #expect(refused.result.status.code == .unavailable)
        #expect(refused.result.status.message.contains("done with the connection"), "\(refused.result.status)")
        #expect(refused.result.status.isSafeToRetry)
        try await Task.sleep(for: .milliseconds(50))
        #expect(connection.openStreams == 3, "still open while its calls are in flight")

        held.releaseAll()
        for future in inFlight {
            let response = try await future.get()
            #expect(response.result.status.isOK, "\(response.result.status)")
        }
        try await connection.closeFuture.get()

        let idle = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let quick = await idle.unary(path: "/t.T/Quick", request: .text("one"))
        #expect(quick.result.status.isOK)
        idle.closeWhenIdle()
        try await idle.closeFuture.get()
    }

    @Test func goAwayAboveTheLastStreamFailsOnlyThoseCallsAsSafeToRetry() async throws {
        let channel = try EmbeddedClient()
        try channel.settings(maxConcurrentStreams: 100)
        let first = channel.startUnary()
        let second = channel.startUnary()
        let third = channel.startUnary()
        try channel.receive(goAwayLastStreamID: 3)
        #expect(third.result?.status.code == .unavailable)
        #expect(third.result?.status.isSafeToRetry == true)
        #expect(first.result == nil && second.result == nil)
        try channel.respondOK(streamID: 1)
        try channel.respondOK(streamID: 3)
        #expect(first.result?.status.isOK == true && second.result?.status.isOK == true)
        let late = channel.startUnary()
        #expect(late.result?.status.transportFailure?.kind == .goAway)
        #expect(!channel.channel.isActive)
    }

    @Test func poolMovesToANewConnectionWhenGRPCIOSendsGoAway() async throws {
        let peer = try GRPCIOPeer.start(["--max-connection-age-ms", "300"])
        let pool = ConnectionPool(host: "127.0.0.1", port: peer.port, group: testGroup, maxConnections: 2)
        let first = try await pool.connection()
        var statuses: [GRPCStatus] = []
        // Keep calling until the first connection has been told to go away (bounded).
        for _ in 0..<400 where first.isAcceptingCalls || statuses.count < 5 {
            statuses.append(await pool.unary(path: GRPCIOPeer.path("Unary"), request: .text("x")).result.status)
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(!first.isAcceptingCalls)
        let after = await pool.unary(path: GRPCIOPeer.path("Unary"), request: .text("after"))
        #expect(after.result.status.isOK)
        let current = try await pool.connection()
        #expect(current !== first)
        #expect(statuses.allSatisfy { $0.isOK }, "\(statuses.filter { !$0.isOK })")
        await pool.close()
    }

    @Test func serverThatVanishesMidStreamGivesUnavailableNotAHang() async throws {
        let peer = try GRPCIOPeer.start()
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: peer.port, group: testGroup)
        let recorded: EventLoopFuture<RecordedCall> = try await connection.eventLoop.submit {
            let recorder = Recorder(eventLoop: connection.eventLoop)
            let call = connection.makeCall(path: GRPCIOPeer.path("Bidi"), delegate: recorder)
            call.send(.text("first"))
            return recorder.promise.futureResult
        }.get()
        // Wait for the echo so the stream is surely open on the server, then kill it.
        while connection.byteCounter.received < 100 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        peer.kill()
        let call = try await recorded.get()
        #expect(call.status.code == .unavailable)
        #expect(call.strings == ["first"])
        let kind = try #require(call.status.transportFailure?.kind)
        #expect([TransportFailure.Kind.connectionClosed, .connectionReset].contains(kind))
        #expect(!connection.isAcceptingCalls)
    }

    @Test func connectionRefusedIsClassifiedForK6() async throws {
        // Bind and close a socket to get a port nobody listens on.
        let probe = try await ServerBootstrap(group: testGroup).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        do {
            let _: ClientConnection = try await ClientConnection.connect(
                host: "127.0.0.1", port: port, group: testGroup)
            Issue.record("connected to a closed port")
        } catch let failure as TransportFailure {
            #expect(failure.kind == .connectionRefused)
            #expect(failure.k6ErrorCode == 1212)
            #expect(failure.k6ErrorMessage == "dial: connection refused")
        }
    }

    /// A server that answers the preface in HTTP/1.1 (or any bytes that are not frames): a sentence about
    /// what that means, not swift-nio-http2's type dump with its file and line. Other HTTP/2 errors read as
    /// words with their details.
    @Test func bytesThatAreNotHTTP2FramesAreSaidInWords() async throws {
        let http1 = try await ServerBootstrap(group: testGroup)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AnswersInHTTP1())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = http1.localAddress!.port!
        do {
            let _: ClientConnection = try await ClientConnection.connect(
                host: "127.0.0.1", port: port, group: testGroup)
            Issue.record("connected to an HTTP/1.1 server")
        } catch let failure as TransportFailure {
            #expect(
                failure.message
                    == "HTTP/2 connection to 127.0.0.1:\(port) failed: the server's bytes are not HTTP/2 frames: is it a "
                    + "gRPC (HTTP/2) server?", "\(failure.message)")
        }
        try await http1.close()
        let other = TransportFailure.classify(NIOHTTP2Errors.invalidStreamIDForPeer(), target: "x:1")
        #expect(other.message == "HTTP/2 connection to x:1 failed: invalid stream id for peer", "\(other.message)")
        // Out of file descriptors: said as the limit it is, not as the socket call's errno.
        let files = TransportFailure.classify(IOError(errnoCode: EMFILE, reason: "socket"), target: "x:1")
        #expect(
            files.message
                == "cannot open a connection to x:1: this process has as many files open as it may (each connection "
                + "is one; see ulimit -n)", "\(files.message)")
        // Out of local ports (many connections opened and closed, as --fresh-connections does): said as such.
        let ports = TransportFailure.classify(IOError(errnoCode: EADDRNOTAVAIL, reason: "connect"), target: "x:1")
        #expect(ports.message.hasPrefix("cannot open a connection to x:1: this machine has no local port free"))
        #expect(ports.isSafeToRetry)
    }

    @Test func silentPeerFailsTheConnectTimeout() async throws {
        // Accepts TCP but never speaks HTTP/2: the SETTINGS wait must end at the connect timeout.
        let silent = try await ServerBootstrap(group: testGroup).bind(host: "127.0.0.1", port: 0).get()
        do {
            let _: ClientConnection = try await ClientConnection.connect(
                host: "127.0.0.1", port: silent.localAddress!.port!,
                configuration: .defaults { $0.connectTimeout = .milliseconds(300) }, group: testGroup)
            Issue.record("connected to a silent peer")
        } catch let failure as TransportFailure {
            #expect(failure.kind == .dialTimeout)
        }
        try await silent.close()
    }

    @Test func keepaliveWithoutAcknowledgementClosesTheConnection() async throws {
        let mute = try await MuteHTTP2Server.start()
        let connection = try await ClientConnection.connect(
            host: "127.0.0.1", port: mute.port,
            configuration: .defaults {
                $0.keepalive = .init(interval: .milliseconds(50), timeout: .milliseconds(100))
            }, group: testGroup)
        let response = await connection.unary(path: "/t.T/Never", request: .text("x"))
        #expect(response.result.status.code == .unavailable)
        #expect(response.result.status.message.contains("keepalive"))
        try await mute.close()
    }
}

/// Counts how many handlers run at once.
final class ConcurrencyTracker: Sendable {
    private let state = Mutex((current: 0, maximum: 0))

    func enter() {
        state.withLock {
            $0.current += 1
            $0.maximum = max($0.maximum, $0.current)
        }
    }
    func leave() { state.withLock { $0.current -= 1 } }
    var maximum: Int { state.withLock { $0.maximum } }
}

/// Server calls parked until the test releases them.
final class HeldCalls: Sendable {
    private let calls = Mutex<[(ServerCall, ByteBuffer)]>([])

    func add(_ call: ServerCall, _ request: ByteBuffer) { calls.withLock { $0.append((call, request)) } }
    var count: Int { calls.withLock { $0.count } }
    func releaseAll() {
        for (call, request) in calls.withLock({ $0 }) { call.respond(request) }
    }
}

/// Answers whatever comes with an HTTP/1.1 error, as a web server does to an HTTP/2 preface, and closes.
private final class AnswersInHTTP1: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let answer = ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        context.write(NIOAny(answer), promise: nil)
        context.flush()
        context.close(promise: nil)
    }
}
