import GRPCProtocol
import NIOCore
import NIOEmbedded
import NIOHTTP2
import Synchronization
import Testing

@testable import GRPCWire

/// The server connection handler against the client one, both on EmbeddedChannels with real HTTP/2
/// framing between them and no sockets.
@Suite struct ServerHandlerTests {
    private static func router(cancellations: CancellationLog = CancellationLog()) -> ServerRouter {
        var router = ServerRouter()
        router.unary("/s.S/Echo") { request, call in call.respond(request) }
        router.register("/s.S/Count") { _ in Counter() }
        router.register("/s.S/Hang") { _ in Hang(log: cancellations) }
        router.unary("/s.S/Fail") { _, call in
            call.finish(
                GRPCStatus(
                    code: .permissionDenied, message: "nope ✗",
                    details: RPCStatus(code: 7, message: "nope ✗", details: [.init(typeURL: "t/x", value: [1])])),
                trailers: ["x-reason": "test"])
        }
        return router
    }

    @Test func unaryCallIsRoutedAndAnswered() throws {
        let pair = try EmbeddedPair(router: Self.router())
        let observed = try pair.call("/s.S/Echo", requests: [ByteBuffer(string: "hi")])
        #expect(observed.result?.status.isOK == true)
        #expect(observed.messages == [ByteBuffer(string: "hi")])
        #expect(observed.headers?.first("content-type") == .string("application/grpc"))
    }

    @Test func clientStreamingHandlerSeesEveryMessageThenTheEnd() throws {
        let pair = try EmbeddedPair(router: Self.router())
        let observed = try pair.call("/s.S/Count", requests: (0..<5).map { ByteBuffer(string: "\($0)") })
        #expect(observed.messages == [ByteBuffer(string: "5")])
    }

    @Test(arguments: [("/s.S/Nope", "unknown method Nope for service s.S"), ("/x.Y/Z", "unknown service x.Y")])
    func unknownPathsAreUnimplementedAsTrailersOnly(path: String, message: String) throws {
        let pair = try EmbeddedPair(router: Self.router())
        let observed = try pair.call(path, requests: [ByteBuffer(string: "x")])
        #expect(observed.result?.status.code == .unimplemented)
        #expect(observed.result?.status.message == message)
        #expect(observed.headers == nil)
    }

    @Test func errorStatusCarriesPercentEncodedMessageDetailsAndTrailers() throws {
        let pair = try EmbeddedPair(router: Self.router())
        let observed = try pair.call("/s.S/Fail", requests: [ByteBuffer(string: "x")])
        let status = try #require(observed.result?.status)
        #expect(status.code == .permissionDenied)
        #expect(status.message == "nope ✗")
        #expect(status.details?.details == [.init(typeURL: "t/x", value: [1])])
        #expect(observed.result?.trailers.first("x-reason") == .string("test"))
    }

    @Test func serverEnforcesTheClientsDeadlineAndCancelsTheHandler() throws {
        let log = CancellationLog()
        let pair = try EmbeddedPair(router: Self.router(cancellations: log))
        let observed = try pair.call(
            "/s.S/Hang", requests: [ByteBuffer(string: "x")], options: .defaults { $0.timeout = .seconds(1) })
        #expect(observed.result == nil)
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(2))
        try pair.pump()
        #expect(log.statuses.map(\.code) == [.deadlineExceeded])
        #expect(observed.result?.status.code == .deadlineExceeded)
    }

    @Test func clientResetCancelsTheServerHandler() throws {
        let log = CancellationLog()
        let pair = try EmbeddedPair(router: Self.router(cancellations: log))
        let observed = EmbeddedClient.Observed()
        let call = ClientCall(
            path: "/s.S/Hang", options: .defaults, eventLoop: pair.client.embeddedEventLoop, delegate: observed,
            acceptedEncodings: [], streamWindowSize: 65535)
        pair.clientHandler.startCall(call)
        call.send(ByteBuffer(string: "x"))
        try pair.pump()
        call.cancel()
        try pair.pump()
        #expect(observed.result?.status.code == .cancelled)
        #expect(log.statuses.map(\.code) == [.cancelled])
        #expect(pair.serverHandler.calls.isEmpty)
    }

    @Test func aStreamLevelProtocolErrorEndsOnlyThatCall() throws {
        let log = CancellationLog()
        let pair = try EmbeddedPair(router: Self.router(cancellations: log))
        let observed = EmbeddedClient.Observed()
        let call = ClientCall(
            path: "/s.S/Hang", options: .defaults, eventLoop: pair.client.embeddedEventLoop, delegate: observed,
            acceptedEncodings: [], streamWindowSize: 65535)
        pair.clientHandler.startCall(call)
        call.send(ByteBuffer(string: "x"))
        try pair.pump()
        // WINDOW_UPDATE with a zero increment on stream 1: a stream error (RFC 9113 6.9), not a connection one.
        try pair.client.writeInbound(ByteBuffer(bytes: [0, 0, 4, 8, 0, 0, 0, 0, 1, 0, 0, 0, 0]))
        try pair.pump()
        #expect(observed.result?.status.code == .internalError)
        #expect(observed.result?.status.transportFailure?.http2ErrorCode == .protocolError)
        #expect(pair.client.isActive)
        let next = try pair.call("/s.S/Echo", requests: [ByteBuffer(string: "still fine")])
        #expect(next.messages == [ByteBuffer(string: "still fine")])
    }

    @Test func drainingSendsTwoGoAwaysAndClosesAfterTheLastCall() throws {
        let log = CancellationLog()
        let pair = try EmbeddedPair(router: Self.router(cancellations: log))
        let observed = EmbeddedClient.Observed()
        let call = ClientCall(
            path: "/s.S/Count", options: .defaults, eventLoop: pair.client.embeddedEventLoop, delegate: observed,
            acceptedEncodings: [], streamWindowSize: 65535)
        pair.clientHandler.startCall(call)
        call.send(ByteBuffer(string: "x"))
        try pair.pump()
        pair.serverHandler.startDraining()
        try pair.pump()
        guard case .final = pair.serverHandler.drain else {
            Issue.record("the final GOAWAY was not sent")
            return
        }
        #expect(pair.clientHandler.shared.isAcceptingCalls == false)
        #expect(pair.server.isActive)
        call.end()
        try pair.pump()
        #expect(observed.result?.status.isOK == true)
        #expect(!pair.server.isActive)
    }
}

/// Client streaming: answers with the number of messages.
private final class Counter: ServerCallHandler {
    private var count = 0
    func received(_ message: ByteBuffer, call: ServerCall) { count += 1 }
    func receivedEnd(call: ServerCall) { call.respond(ByteBuffer(string: "\(count)")) }
}

/// Never answers; logs how it was cancelled.
private final class Hang: ServerCallHandler {
    let log: CancellationLog
    init(log: CancellationLog) { self.log = log }
    func received(_ message: ByteBuffer, call: ServerCall) {}
    func receivedEnd(call: ServerCall) {}
    func cancelled(call: ServerCall, status: GRPCStatus) { log.add(status) }
}

final class CancellationLog: Sendable {
    private let storage = Mutex<[GRPCStatus]>([])
    func add(_ status: GRPCStatus) { storage.withLock { $0.append(status) } }
    var statuses: [GRPCStatus] { storage.withLock { $0 } }
}
