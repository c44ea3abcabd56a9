import GRPCProtocol
import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import Testing

@testable import GRPCWire

/// The client connection handler on an EmbeddedChannel: frames in, frames out, time advanced by hand.
@Suite struct ClientHandlerTests {
    private func frame(_ payload: [UInt8], compressed: Bool = false) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: [compressed ? 1 : 0])
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }

    @Test func aUnaryCallWritesGRPCRequestHeadersAndOneFramedMessage() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        _ = try client.written()
        var options = CallOptions()
        options.timeout = .seconds(5)
        options.metadata.add("x-user", "u")
        client.startUnary(options: options)
        let frames = try client.written()
        #expect(frames.count == 2)
        guard case .headers(let headers) = frames.first?.payload, case .data(let data) = frames.last?.payload else {
            Issue.record("expected HEADERS then DATA, got \(frames)")
            return
        }
        #expect(frames.first?.streamID == 1)
        #expect(
            headers.headers.map(\.name) == [
                ":method", ":scheme", ":path", ":authority", "content-type", "te", "user-agent",
                "grpc-accept-encoding", "grpc-timeout", "x-user",
            ])
        #expect(headers.headers.first(name: ":path") == "/t.T/M")
        #expect(headers.headers.first(name: "grpc-accept-encoding") == "gzip,deflate")
        #expect(headers.headers.first(name: "grpc-timeout") == "5000m")
        #expect(!headers.endStream)
        #expect(data.endStream)
        guard case .byteBuffer(let body) = data.data else { return }
        #expect(Array(body.readableBytesView) == [0, 0, 0, 0, 1, 42])
    }

    @Test func callsWaitForTheServersSettingsAndItsStreamLimit() throws {
        let client = try EmbeddedClient()
        let first = client.startUnary()
        let second = client.startUnary()
        #expect(try client.written().filter { $0.streamID != .rootStream }.isEmpty)
        try client.settings(maxConcurrentStreams: 1)
        #expect(try client.written().map(\.streamID) == [1, 1])
        try client.respondOK(streamID: 1)
        #expect(first.result?.status.isOK == true)
        #expect(first.result?.fromServer == true, "the status came in the server's trailers")
        #expect(try client.written().map(\.streamID) == [3, 3])
        try client.respondOK(streamID: 3)
        #expect(second.result?.status.isOK == true)
        #expect(second.messages == [ByteBuffer(bytes: [7])])
    }

    @Test func aStreamTheServerRefusesBeforeAnsweringIsOpenedAgainWithItsRequest() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        _ = try client.written()
        let observed = client.startUnary()
        #expect(try client.written().map(\.streamID) == [1, 1])
        // REFUSED_STREAM: the server did not process the request, so it goes again on a new stream.
        try client.receive(.rstStream(.refusedStream), on: 1)
        let again = try client.written()
        #expect(again.map(\.streamID) == [3, 3])
        guard case .data(let data) = again.last?.payload, case .byteBuffer(let body) = data.data else {
            Issue.record("expected the request again, got \(again)")
            return
        }
        #expect(Array(body.readableBytesView) == [0, 0, 0, 0, 1, 42])
        #expect(observed.result == nil)
        try client.respondOK(streamID: 3)
        #expect(observed.result?.status.isOK == true)
        // Another reset, or a refusal after the answer began, ends the call as before.
        let other = client.startUnary()
        _ = try client.written()
        try client.receive(.rstStream(.cancel), on: 5)
        #expect(other.result?.status.code == .cancelled)
        #expect(other.result?.fromServer == false, "a reset carries no status")
    }

    @Test func aStreamRefusedOverAndOverFailsUnavailable() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        _ = try client.written()
        let observed = client.startUnary()
        var streamID = 1
        for _ in 0...ClientCall.maximumRefusals {
            _ = try client.written()
            try client.receive(.rstStream(.refusedStream), on: streamID)
            streamID += 2
        }
        #expect(observed.result?.status.code == .unavailable)
    }

    @Test func consumedDataIsGivenBackWithWindowUpdatesForStreamAndConnection() throws {
        let client = try EmbeddedClient(
            configuration: .defaults {
                $0.http2.streamWindowSize = 1000
                $0.http2.connectionWindowSize = 65535
            })
        try client.settings(maxConcurrentStreams: 10)
        let observed = client.startUnary()
        _ = try client.written()
        try client.receive(.headers(.init(headers: [":status": "200", "content-type": "application/grpc"])), on: 1)
        try client.receive(.data(.init(data: .byteBuffer(frame(Array(repeating: 1, count: 600))))), on: 1)
        let updates = try client.written().compactMap { frame -> (HTTP2StreamID, Int)? in
            guard case .windowUpdate(let increment) = frame.payload else { return nil }
            return (frame.streamID, increment)
        }
        #expect(updates.map(\.0) == [1])
        #expect(updates.map(\.1) == [605])
        #expect(observed.messages.count == 1)
        // 40,000 more bytes on the connection cross half its window: stream 0 gets its update too.
        for _ in 0..<8 {
            try client.receive(.data(.init(data: .byteBuffer(frame(Array(repeating: 2, count: 4995))))), on: 1)
        }
        let connectionUpdates = try client.written().filter { $0.streamID == .rootStream }
        #expect(connectionUpdates.count == 1)
    }

    @Test func manualFlowControlReturnsTheWindowOnlyWhenReleased() throws {
        let client = try EmbeddedClient(configuration: .defaults { $0.http2.streamWindowSize = 1000 })
        try client.settings(maxConcurrentStreams: 10)
        let observer = EmbeddedClient.Observed()
        let call = client.makeCall(options: .defaults { $0.manualFlowControl = true }, observer: observer)
        client.handler.startCall(call)
        call.send(ByteBuffer(bytes: [1]))
        _ = try client.written()
        try client.receive(.headers(.init(headers: [":status": "200", "content-type": "application/grpc"])), on: 1)
        try client.receive(.data(.init(data: .byteBuffer(frame(Array(repeating: 1, count: 595))))), on: 1)
        #expect(try client.written().isEmpty)
        #expect(call.lastMessageWireLength == 600)
        call.releaseReceiveWindow(bytes: call.lastMessageWireLength)
        let frames = try client.written()
        #expect(frames.count == 1)
        guard case .windowUpdate(600) = frames.first?.payload else {
            Issue.record("expected WINDOW_UPDATE 600, got \(frames)")
            return
        }
    }

    @Test func expiredDeadlineResetsTheStreamAndReportsDeadlineExceeded() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        let observed = client.startUnary(options: .defaults { $0.timeout = .milliseconds(500) })
        _ = try client.written()
        client.channel.embeddedEventLoop.advanceTime(by: .milliseconds(499))
        #expect(observed.result == nil)
        client.channel.embeddedEventLoop.advanceTime(by: .milliseconds(2))
        #expect(observed.result?.status.code == .deadlineExceeded)
        #expect(observed.result?.fromServer == false, "the deadline's status is made on this side")
        let frames = try client.written()
        guard case .rstStream(.cancel) = frames.first?.payload else {
            Issue.record("expected RST_STREAM(CANCEL), got \(frames)")
            return
        }
        #expect(frames.first?.streamID == 1)
    }

    @Test func queuedCallsAlsoHonourTheirDeadline() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 1)
        client.startUnary()
        let queued = client.startUnary(options: .defaults { $0.timeout = .milliseconds(10) })
        client.channel.embeddedEventLoop.advanceTime(by: .milliseconds(20))
        #expect(queued.result?.status.code == .deadlineExceeded)
        try client.respondOK(streamID: 1)
        #expect(try client.written().allSatisfy { $0.streamID != 3 })
    }

    @Test(arguments: [
        (HTTP2ErrorCode.refusedStream, StatusCode.unavailable, true), (.cancel, .cancelled, false),
        (.enhanceYourCalm, .resourceExhausted, false), (.internalError, .internalError, false),
    ])
    func resetStreamsMapToStatuses(code: HTTP2ErrorCode, status: StatusCode, retryable: Bool) throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        // A streaming call: its requests are not kept, so even a refused stream ends it.
        let observed = EmbeddedClient.Observed()
        client.handler.startCall(client.makeCall(observer: observed))
        try client.receive(.rstStream(code), on: 1)
        #expect(observed.result?.status.code == status)
        #expect(observed.result?.status.isSafeToRetry == retryable)
        #expect(observed.result?.status.transportFailure?.kind == .streamError)
    }

    @Test func endOfStreamWithoutTrailersIsInternal() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        let observed = client.startUnary()
        try client.receive(.headers(.init(headers: [":status": "200", "content-type": "application/grpc"])), on: 1)
        try client.receive(.data(.init(data: .byteBuffer(frame([1])), endStream: true)), on: 1)
        #expect(observed.result?.status.code == .internalError)
        #expect(observed.result?.status.message == "server closed the stream without sending trailers")
    }

    @Test func responseSplitAcrossDataFramesIsDeliveredOnce() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        let observed = client.startUnary()
        try client.receive(.headers(.init(headers: [":status": "200", "content-type": "application/grpc"])), on: 1)
        let whole = frame(Array(0..<100))
        try client.receive(.data(.init(data: .byteBuffer(whole.getSlice(at: 0, length: 3)!))), on: 1)
        try client.receive(.data(.init(data: .byteBuffer(whole.getSlice(at: 3, length: 50)!))), on: 1)
        #expect(observed.messages.isEmpty)
        try client.receive(.data(.init(data: .byteBuffer(whole.getSlice(at: 53, length: 52)!))), on: 1)
        try client.receive(.headers(.init(headers: ["grpc-status": "0"], endStream: true)), on: 1)
        #expect(observed.messages == [ByteBuffer(bytes: Array(0..<100))])
        #expect(observed.result?.status.isOK == true)
    }

    @Test func closingTheConnectionFailsOpenAndQueuedCalls() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 1)
        let open = client.startUnary()
        let queued = client.startUnary()
        try client.channel.close().wait()
        #expect(open.result?.status.code == .unavailable)
        #expect(queued.result?.status.code == .unavailable)
        #expect(open.result?.status.transportFailure?.kind == .connectionClosed)
    }
}

/// The per-connection deadline timer.
@Suite struct DeadlineTimerTests {
    @Test func callsWithDifferentTimeoutsExpireInDeadlineOrder() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        let long = client.startUnary(options: .defaults { $0.timeout = .seconds(3) })
        let short = client.startUnary(options: .defaults { $0.timeout = .seconds(1) })
        let middle = client.startUnary(options: .defaults { $0.timeout = .seconds(2) })
        let none = client.startUnary()
        client.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1500))
        #expect(short.result?.status.code == .deadlineExceeded)
        #expect(middle.result == nil && long.result == nil)
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(middle.result?.status.code == .deadlineExceeded)
        #expect(long.result == nil)
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(long.result?.status.code == .deadlineExceeded)
        #expect(none.result == nil)
    }

    @Test func aCallStartedWhileDeadlinesFireDoesNotDelayAnEarlierOne() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        let restarter = Restarter(client: client)
        let first = client.startUnary(options: .defaults { $0.timeout = .seconds(1) }, observer: restarter)
        let second = client.startUnary(options: .defaults { $0.timeout = .milliseconds(1500) })
        _ = first
        client.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1100))
        // The first call's end started a 10 s call from its callback; the second must still expire at 1.5 s.
        #expect(restarter.result?.status.code == .deadlineExceeded)
        client.channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        #expect(second.result?.status.code == .deadlineExceeded)
        #expect(restarter.restarted?.result == nil)
    }

    @Test func finishedCallsLeaveTheListAndTheConnectionKeepsWorking() throws {
        let client = try EmbeddedClient()
        try client.settings(maxConcurrentStreams: 10)
        for streamID in stride(from: 1, through: 19, by: 2) {
            let observed = client.startUnary(options: .defaults { $0.timeout = .seconds(1) })
            try client.respondOK(streamID: streamID)
            #expect(observed.result?.status.isOK == true)
        }
        #expect(client.handler.deadlineHead == nil)
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        let later = client.startUnary(options: .defaults { $0.timeout = .seconds(1) })
        client.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(later.result?.status.code == .deadlineExceeded)
    }
}

/// Starts a long call from the callback of the call it observes.
private final class Restarter: EmbeddedClient.Observed {
    let client: EmbeddedClient
    var restarted: EmbeddedClient.Observed?

    init(client: EmbeddedClient) { self.client = client }

    override func callFinished(_ call: ClientCall, result: CallResult) {
        super.callFinished(call, result: result)
        restarted = client.startUnary(options: .defaults { $0.timeout = .seconds(10) })
    }
}
