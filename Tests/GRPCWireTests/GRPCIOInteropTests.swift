import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import TestSupport
import Testing

/// Reprise's client against a grpcio (C core) server speaking raw bytes: every RPC kind, metadata,
/// deadlines, large messages, compression and errors.
@Suite(.timeLimit(.minutes(2))) struct GRPCIOInteropTests {
    static let peer = Result { try GRPCIOPeer.start() }

    private func connect() async throws -> ClientConnection {
        try await ClientConnection.connect(host: "127.0.0.1", port: try Self.peer.get().port, group: testGroup)
    }

    @Test func unaryEchoCarriesMetadataBothWaysIncludingBinary() async throws {
        let connection = try await connect()
        let options = CallOptions.defaults {
            $0.metadata.add("X-Greeting", "hello")
            $0.metadata.add("x-raw-bin", binary: [0, 1, 2, 250, 255])
            $0.metadata.add("not-echoed", "value")
        }
        let call = try await connection.record(GRPCIOPeer.path("Unary"), requests: [.text("ping")], options: options)
        #expect(call.status == .ok)
        #expect(call.strings == ["ping"])
        #expect(call.headers?.first("x-greeting") == .string("hello"))
        #expect(call.headers?.first("x-raw-bin") == .binary([0, 1, 2, 250, 255]))
        #expect(call.headers?.first("not-echoed") == nil)
        #expect(call.headers?.first("content-type") == .string("application/grpc"))
        #expect(call.result?.trailers.first("x-trailer") == .string("t1"))
        #expect(call.result?.trailers.first("x-trailer-bin") == .binary([0, 1, 2, 255]))
        #expect(call.result?.trailers.first("grpc-status") == nil)
        await connection.close()
    }

    @Test func serverStreamingDeliversEveryMessageInOrder() async throws {
        let connection = try await connect()
        var request = ByteBuffer(bytes: [5])
        request.writeString("item")
        let call = try await connection.record(GRPCIOPeer.path("ServerStream"), requests: [request])
        #expect(call.status == .ok)
        #expect(call.messages.map { Array($0.readableBytesView) } == (0..<5).map { Array("item".utf8) + [UInt8($0)] })
        await connection.close()
    }

    @Test func clientStreamingSendsEveryMessageBeforeTheResponse() async throws {
        let connection = try await connect()
        let call = try await connection.record(
            GRPCIOPeer.path("ClientStream"), requests: ["a", "bb", "ccc"].map { .text($0) })
        #expect(call.status == .ok)
        #expect(call.strings == ["abbccc"])
        await connection.close()
    }

    @Test func bidirectionalStreamingInterleavesWritesAndReads() async throws {
        let connection = try await connect()
        let future: EventLoopFuture<RecordedCall> = try await connection.eventLoop.submit {
            let recorder = Recorder(eventLoop: connection.eventLoop)
            var sent = 1
            recorder.onMessage = { call, _ in
                // Each write waits for the previous echo: a real ping-pong, not a batch.
                if sent < 4 {
                    sent += 1
                    call.send(.text("message \(sent)"))
                } else {
                    call.end()
                }
            }
            let call = connection.makeCall(path: GRPCIOPeer.path("Bidi"), delegate: recorder)
            call.send(.text("message 1"))
            return recorder.promise.futureResult
        }.get()
        let call = try await future.get()
        #expect(call.status == .ok)
        #expect(call.strings == ["message 1", "message 2", "message 3", "message 4"])
        await connection.close()
    }

    @Test func deadlineIsSentAsGRPCTimeoutAndSeenByTheServer() async throws {
        let connection = try await connect()
        let call = try await connection.record(
            GRPCIOPeer.path("Deadline"), requests: [.text("")], options: .defaults { $0.timeout = .seconds(30) })
        let remaining = try #require(Double(call.strings.first ?? ""))
        #expect(remaining > 0 && remaining <= 30)
        await connection.close()
    }

    @Test func expiredDeadlineEndsTheCallWithDeadlineExceededAndCancelsItOnTheServer() async throws {
        let connection = try await connect()
        let call = try await connection.record(
            GRPCIOPeer.path("Sleep"), requests: [.text("5")], options: .defaults { $0.timeout = .milliseconds(200) })
        #expect(call.status.code == .deadlineExceeded)
        #expect(call.status.message == "context deadline exceeded")
        // The server notices: grpc-timeout and our RST_STREAM both cancel its side.
        let peer = try Self.peer.get()
        for _ in 0..<100 where !peer.stderrText.contains("cancelled") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(peer.stderrText.contains("cancelled"))
        // The connection stays usable after the reset.
        let after = await connection.unary(path: GRPCIOPeer.path("Unary"), request: .text("again"))
        #expect(after.result.status == .ok)
        await connection.close()
    }

    @Test func tenMegabyteMessagesTravelBothWaysWithRaisedLimits() async throws {
        let connection = try await connect()
        let size = 10 * 1024 * 1024
        let options = CallOptions.defaults {
            $0.maxReceiveMessageSize = 16 * 1024 * 1024
            $0.maxSendMessageSize = 16 * 1024 * 1024
        }
        var big = ByteBuffer(bytes: (0..<251).map { UInt8($0) })
        while big.readableBytes < size { big.writeImmutableBuffer(big) }
        big.moveWriterIndex(to: size)
        let echo = await connection.unary(path: GRPCIOPeer.path("Unary"), request: big, options: options)
        #expect(echo.result.status == .ok)
        #expect(echo.message == big)
        let generated = await connection.unary(
            path: GRPCIOPeer.path("Big"), request: .text("\(size)"), options: options)
        #expect(generated.result.status == .ok)
        #expect(generated.message?.readableBytes == size)
        await connection.close()
    }

    @Test func messagesOverTheLimitsFailWithResourceExhausted() async throws {
        let connection = try await connect()
        let tooBig = await connection.unary(path: GRPCIOPeer.path("Big"), request: .text("\(5 * 1024 * 1024)"))
        #expect(tooBig.result.status.code == .resourceExhausted)
        #expect(tooBig.result.status.message == "grpc: received message larger than max (5242880 vs. 4194304)")
        let notSent = await connection.unary(
            path: GRPCIOPeer.path("Unary"), request: .text("0123456789"),
            options: .defaults { $0.maxSendMessageSize = 4 })
        #expect(notSent.result.status.code == .resourceExhausted)
        #expect(notSent.result.status.message.hasPrefix("trying to send message larger than max"))
        await connection.close()
    }

    @Test(arguments: [CompressionAlgorithm.gzip, .deflate])
    func compressedMessagesTravelBothWays(algorithm: CompressionAlgorithm) async throws {
        let connection = try await connect()
        let payload = ByteBuffer(repeating: UInt8(ascii: "z"), count: 200_000)
        let before = connection.byteCounter.take()
        let options = CallOptions.defaults {
            $0.compression = algorithm
            $0.metadata.add("x-compress", algorithm.name)
        }
        let response = await connection.unary(path: GRPCIOPeer.path("Compressed"), request: payload, options: options)
        let traffic = connection.byteCounter.take()
        #expect(response.result.status == .ok)
        #expect(response.message == payload)
        #expect(before.sent > 0)
        // 200 kB each way of one repeated byte: compressed, both directions stay far smaller.
        #expect(traffic.sent < 20_000)
        #expect(traffic.received < 20_000)
        await connection.close()
    }

    @Test func errorsCarryCodeMessageAndDecodedDetails() async throws {
        let connection = try await connect()
        let response = await connection.unary(path: GRPCIOPeer.path("Fail"), request: .text("3"))
        let status = response.result.status
        #expect(status.code == .invalidArgument)
        #expect(status.message == "failure with ünïcode % and\nnewline")
        let details = try #require(status.details)
        #expect(details.code == 3)
        #expect(details.message == "failure with ünïcode % and\nnewline")
        #expect(details.details.map(\.typeURL) == ["type.googleapis.com/google.rpc.ErrorInfo"])
        #expect(details.details.first?.typeName == "google.rpc.ErrorInfo")
        #expect(response.result.trailers.first("x-error-trailer") == .string("present"))
        #expect(response.result.trailers.first("grpc-status-details-bin") == nil)
        await connection.close()
    }

    @Test func trailersOnlyResponseGivesStatusWithoutHeaders() async throws {
        let connection = try await connect()
        let call = try await connection.record(GRPCIOPeer.path("TrailersOnly"), requests: [.text("")])
        #expect(call.status.code == .notFound)
        #expect(call.status.message == "nothing here")
        #expect(call.headers == nil)
        #expect(call.messages.isEmpty)
        await connection.close()
    }

    @Test func unaryWithoutResponseMessageIsACardinalityViolation() async throws {
        let connection = try await connect()
        let response = await connection.unary(path: GRPCIOPeer.path("Empty"), request: .text(""))
        #expect(response.result.status.code == .internalError)
        await connection.close()
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let connection = try await connect()
        let response = await connection.unary(path: "/test.Peer/Nope", request: .text(""))
        #expect(response.result.status.code == .unimplemented)
        await connection.close()
    }

    @Test func cancellingAStreamEndsItWithCancelledAndKeepsTheConnection() async throws {
        let connection = try await connect()
        let future: EventLoopFuture<RecordedCall> = try await connection.eventLoop.submit {
            let recorder = Recorder(eventLoop: connection.eventLoop)
            recorder.onMessage = { call, _ in call.cancel() }
            let call = connection.makeCall(path: GRPCIOPeer.path("Bidi"), delegate: recorder)
            call.send(.text("first"))
            return recorder.promise.futureResult
        }.get()
        let call = try await future.get()
        #expect(call.status.code == .cancelled)
        #expect(call.strings == ["first"])
        let after = await connection.unary(path: GRPCIOPeer.path("Unary"), request: .text("still here"))
        #expect(after.result.status == .ok)
        #expect(connection.openStreams == 0)
        await connection.close()
    }
}
