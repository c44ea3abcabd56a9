import GRPCProtocol
import NIOCore
import NIOHPACK
import NIOPosix
import Synchronization
import TestSupport
import Testing

@testable import GRPCWire

/// Reprise's client against Reprise's server, both in this process on 127.0.0.1.
@Suite(.timeLimit(.minutes(1))) struct LoopbackTests {
    static func echoRouter(seen: SeenRequests = SeenRequests()) -> ServerRouter {
        var router = ServerRouter()
        router.unary("/test.Echo/Unary") { request, call in
            seen.record(call)
            call.respond(request, headers: call.requestMetadata, trailers: ["x-done": "yes"])
        }
        router.unaryAsync("/test.Echo/Async") { request, call in
            try await Task.sleep(for: .milliseconds(5))
            if String(buffer: request) == "fail" { throw GRPCStatus(code: .aborted, message: "asked to fail") }
            return request
        }
        router.register("/test.Echo/Chat") { _ in EchoEach() }
        return router
    }

    @Test func unaryCallEchoesThroughOwnServer() async throws {
        let seen = SeenRequests()
        let server = try await GRPCServer.start(router: Self.echoRouter(seen: seen), group: testGroup)
        let connection = try await ClientConnection.connect(
            host: "127.0.0.1", port: server.port,
            configuration: .defaults { $0.userAgent = "loopback-test/1" }, group: testGroup)
        let response = await connection.unary(path: "/test.Echo/Unary", request: .text("hello"))
        #expect(response.result.status == .ok)
        #expect(response.message.map { String(buffer: $0) } == "hello")
        #expect(response.result.trailers.first("x-done") == .string("yes"))
        #expect(seen.authority == "127.0.0.1:\(server.port)")
        #expect(seen.userAgent == "loopback-test/1")
        #expect(connection.remoteAddress?.ipAddress == "127.0.0.1")
        await connection.close()
        await server.close()
    }

    @Test func aRequestTheServerRefusesMidwayLeavesNothingWaitingOnTheConnection() async throws {
        let server = try await GRPCServer.start(router: Self.echoRouter(), group: testGroup)  // 4 MiB limit
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        // 6 MiB: the server answers RESOURCE_EXHAUSTED after the message's prefix, long before the client's
        // windows have let the rest go.
        let big = ByteBuffer(repeating: 7, count: 6 << 20)
        let refused = await connection.unary(
            path: "/test.Echo/Unary", request: big, options: .defaults { $0.maxSendMessageSize = 8 << 20 })
        #expect(refused.result.status.code == .resourceExhausted)
        let channel = connection.channel
        let waiting = try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: HTTP2ClientCodec.self).windows.streams.count
        }.get()
        #expect(waiting == 0)
        let after = await connection.unary(path: "/test.Echo/Unary", request: .text("still fine"))
        #expect(after.message.map { String(buffer: $0) } == "still fine")
        await connection.close()
        await server.close()
    }

    @Test func asyncHandlersAnswerAndFail() async throws {
        let server = try await GRPCServer.start(router: Self.echoRouter(), group: testGroup)
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let ok = await connection.unary(path: "/test.Echo/Async", request: .text("fine"))
        #expect(ok.message.map { String(buffer: $0) } == "fine")
        let failed = await connection.unary(path: "/test.Echo/Async", request: .text("fail"))
        #expect(failed.result.status.code == .aborted)
        #expect(failed.result.status.message == "asked to fail")
        await connection.close()
        await server.close()
    }

    @Test func collectRunsAStreamingCallToTheEnd() async throws {
        let server = try await GRPCServer.start(router: Self.echoRouter(), group: testGroup)
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let collected = await connection.collect(path: "/test.Echo/Chat", requests: ["a", "b", "c"].map { .text($0) })
        #expect(collected.result.status.isOK)
        #expect(collected.messages.map { String(buffer: $0) } == ["a", "b", "c"])
        await connection.close()
        await server.close()
    }

    @Test func mutualTLSOnOwnServerAcceptsOnlyClientsWithCertificates() async throws {
        let pki = try TestCertificates()
        var tls = ServerTLSConfiguration(certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM)
        tls.clientCertificates = .required
        tls.trustedCAsPEM = [pki.caPEM]
        let server = try await GRPCServer.start(
            configuration: .defaults { $0.tls = tls }, router: Self.echoRouter(), group: testGroup)
        let withCertificate = ClientConnection.Configuration.defaults {
            $0.tls = .defaults {
                $0.caCertificatesPEM = [pki.caPEM]
                $0.certificateChainPEM = pki.clientCertificatePEM
                $0.privateKeyPEM = pki.clientKeyPEM
            }
            $0.authority = "localhost"
        }
        let connection = try await ClientConnection.connect(
            host: "127.0.0.1", port: server.port, configuration: withCertificate, group: testGroup)
        let response = await connection.unary(path: "/test.Echo/Unary", request: .text("mtls"))
        #expect(response.result.status.isOK)
        await connection.close()

        let withoutCertificate = ClientConnection.Configuration.defaults {
            $0.tls = .defaults { $0.caCertificatesPEM = [pki.caPEM] }
        }
        var failed = false
        do {
            let rejected = try await ClientConnection.connect(
                host: "127.0.0.1", port: server.port, configuration: withoutCertificate, group: testGroup)
            failed = !(await rejected.unary(path: "/test.Echo/Unary", request: .text("x"))).result.status.isOK
            await rejected.close()
        } catch {
            failed = true
        }
        #expect(failed)
        await server.close()
    }

    @Test func poolOpensAnotherConnectionWhenTheFirstIsBusy() async throws {
        let server = try await GRPCServer.start(router: Self.echoRouter(), group: testGroup)
        let pool = ConnectionPool(
            host: "127.0.0.1", port: server.port, group: testGroup, maxConnections: 3, streamsPerConnection: 1)
        let first = try await pool.connection()
        let chat = first.makeCall(path: "/test.Echo/Chat", delegate: Ignore())
        chat.send(.text("keep me open"))
        while first.openStreams == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let second = try await pool.connection()
        #expect(second !== first)
        chat.end()
        await pool.close()
        await server.close()
    }
}

/// What the unary handler saw of its request headers.
final class SeenRequests: Sendable {
    private let state = Mutex<(authority: String?, userAgent: String?)>((nil, nil))

    func record(_ call: ServerCall) {
        let userAgent = call.requestHeaders.first(name: "user-agent")
        state.withLock { $0 = (call.authority, userAgent) }
    }
    var authority: String? { state.withLock { $0.authority } }
    var userAgent: String? { state.withLock { $0.userAgent } }
}

/// Bidirectional echo, one message at a time.
private final class EchoEach: ServerCallHandler {
    func received(_ message: ByteBuffer, call: ServerCall) { call.send(message) }
    func receivedEnd(call: ServerCall) { call.finish() }
}

/// A delegate that ignores everything.
private final class Ignore: ClientCallDelegate {
    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {}
    func callFinished(_ call: ClientCall, result: CallResult) {}
}
