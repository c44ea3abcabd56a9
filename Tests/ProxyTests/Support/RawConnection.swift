import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP connection that sends bytes as they are and collects everything that comes back until the peer
/// closes: for speaking broken HTTP/2 to the proxy.
final class RawConnection: @unchecked Sendable {
    let channel: any Channel
    private let collector: Collector

    static func connect(port: Int) async throws -> RawConnection {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: testGroup)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Everything received so far, as soon as `enough` holds for it (checked every 10 ms), or once the peer
    /// closed the connection, or at `timeout`: for a peer that answers and keeps the connection open.
    func received(
        timeout: Duration = .seconds(20), until enough: @Sendable ([UInt8]) -> Bool
    ) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let bytes = collector.bytes
            if enough(bytes) || !channel.isActive { return bytes }
            try await Task.sleep(for: .milliseconds(10))
        }
        return collector.bytes
    }

    /// Everything received, once the peer closed the connection (or after `timeout`, closing it then).
    func receivedUntilClosed(timeout: Duration = .seconds(10)) async throws -> (bytes: [UInt8], closedByPeer: Bool) {
        let closedByUs = NIOLockedValueBox(false)
        let (seconds, attoseconds) = timeout.components
        let timer = channel.eventLoop.scheduleTask(
            in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        ) { [channel] in
            closedByUs.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        timer.cancel()
        return (collector.bytes, !closedByUs.withLockedValue { $0 })
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private var received: [UInt8] = []
        private let lock = NIOLock()

        var bytes: [UInt8] { lock.withLock { received } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            lock.withLock { received += bytes }
        }
    }
}
