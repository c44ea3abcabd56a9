import Foundation
import GRPCProtocol
import GRPCWire
import Mock
import NIOCore
import NIOPosix
import Recording
import Synchronization
import TestSupport
import Testing

/// The mock (in process, for its counters) under load when something gives: a client that opens its
/// windows wide and stops reading, and a graceful stop in the middle of h2load's run.
@Suite(.timeLimit(.minutes(3))) struct MockLoadFaultTests {
    static let sayHello = "/demo.v1.Demo/SayHello"
    static let blob = "/demo.v1.Demo/Blob"

    static func demoMock() async throws -> (MockServer, Recording) {
        let recording = try Recording.load(path: Repository.root.appendingPathComponent("recordings/demo.jsonl").path)
        return (try await MockFixtures.mock([("demo.jsonl", recording)]), recording)
    }

    @Test func aClientThatOpensItsWindowsAndStopsReadingHoldsTheMockBackUntilItReadsAgain() async throws {
        let (mock, recording) = try await Self.demoMock()
        let counter = AnswerCounter()
        let channel = try await ClientBootstrap(group: testGroup)
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.so_rcvbuf), value: 4096)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
            .connect(host: "127.0.0.1", port: mock.port).get()
        // 3,000 Blob calls, 60 MB of answers, and windows so wide that only TCP can hold the answers back.
        let total = 3000
        channel.writeAndFlush(
            ByteBuffer(bytes: StalledClient.blobCalls(total, openWindows: true, padding: 1000)), promise: nil)
        let answered = try #require(
            try await settled { mock.statistics.snapshot[Self.blob]?.matched ?? 0 }, "the mock kept answering")
        // Loopback socket buffers hold a few MiB; had the mock read every request it would hold 60 MB of
        // answers nobody reads.
        #expect(answered < total / 2, "the mock answered \(answered) of \(total) calls its client does not read")

        // Others are served meanwhile.
        let connection = try await MockFixtures.connect(mock.port)
        let hello = await connection.unary(
            path: Self.sayHello, request: MockFixtures.demo("demo.v1.HelloRequest", #"{"name":"Reprise"}"#))
        #expect(hello.result.status.code == .ok, "\(hello.result.status)")
        await connection.close()

        // Reading again, the client gets every answer whole: held back, not lost. It waits for all of them,
        // not for a pause: with a 4 KiB receive buffer some kernels leave the answers stalled for more than
        // half a second at a time (the sender's zero-window probes back off), so the buffer grows back too.
        try await channel.setOption(.socketOption(.so_rcvbuf), value: 1 << 20).get()
        try await channel.setOption(.autoRead, value: true).get()
        channel.read()
        var finished = counter.counts.trailers
        let deadline = ContinuousClock.now + .seconds(60)
        while finished < total, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            finished = counter.counts.trailers
        }
        #expect(finished == total)
        let answer = try #require(recording.calls.first { $0.start.method == Self.blob }?.responses.first)
        #expect(counter.counts.dataBytes == total * (answer.raw.count + 5))
        #expect(mock.statistics.snapshot[Self.blob]?.matched == total)
        try await channel.close()
        await mock.shutdown()
    }

    @Test func aGracefulStopUnderLoadLetsTheCallsInFlightFinishAndCountsEachAnsweredCall() async throws {
        let (mock, _) = try await Self.demoMock()
        let directory = try TemporaryDirectory(prefix: "reprise-mock-goaway")
        async let load = H2Load.unary(
            authority: "127.0.0.1:\(mock.port)", path: Self.sayHello, message: MockFaultTests.hello, calls: 100_000,
            connections: 2, streams: 32, directory: directory)
        var waited = 0
        while (mock.statistics.snapshot[Self.sayHello]?.matched ?? 0) < 500, waited < 3000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        // GOAWAY to both of h2load's connections: the calls they started finish, no new ones are taken.
        await mock.shutdown(gracePeriod: .seconds(5))
        let output = try await load.stdoutText
        let succeeded = try #require(H2Load.count("succeeded", in: output), "\(output)")
        #expect(succeeded >= 500 && succeeded < 100_000, "\(output)")
        let counts = try #require(mock.statistics.snapshot[Self.sayHello])
        #expect(counts.matched == succeeded, "\(output)")
        #expect(counts.missed == 0)
        await #expect(throws: (any Error).self, "the listener is closed") {
            try await MockFixtures.connect(mock.port)
        }
    }
}

/// Counts what a raw HTTP/2 client receives: the streams that ended (a HEADERS frame with END_STREAM: the
/// trailers) and the bytes of DATA payloads.
final class AnswerCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    struct Counts {
        var trailers = 0
        var dataBytes = 0
        var pending = ByteBuffer()
    }

    private let state = Mutex(Counts())

    var counts: Counts { state.withLock { $0 } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        state.withLock { counts in
            counts.pending.writeBuffer(&bytes)
            while let header = counts.pending.getBytes(at: counts.pending.readerIndex, length: 9) {
                let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
                guard counts.pending.readableBytes >= 9 + length else { break }
                let (type, flags) = (header[3], header[4])
                if type == 0 { counts.dataBytes += length }
                if type == 1, flags & 0x1 != 0 { counts.trailers += 1 }
                counts.pending.moveReaderIndex(forwardBy: 9 + length)
            }
            counts.pending.discardReadBytes()
        }
    }
}
