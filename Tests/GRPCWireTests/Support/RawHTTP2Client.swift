import NIOCore
import NIOHPACK
import NIOPosix
import Synchronization
import TestSupport

/// An HTTP/2 client on a real socket that writes its frames byte by byte, ignoring the server's SETTINGS
/// (NIOHTTP2 would refuse to encode a header block larger than one frame), and collects what the server
/// sends until it closes the connection: for checking how a server treats a client that breaks its limits.
enum RawHTTP2Client {
    /// Sends the preface, empty SETTINGS and `headers` on stream 1 (split over CONTINUATION frames of at
    /// most 16 KiB), and returns every frame received until the server closed the connection (or `timeout`
    /// passed).
    static func exchange(port: Int, headers: HPACKHeaders, timeout: TimeAmount = .seconds(10)) async throws
        -> [RawFrame]
    {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator(), useHuffmanEncoding: false)
        var block = ByteBuffer()
        try encoder.encode(headers: headers, to: &block)
        var bytes = ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        writeFrame(type: 0x4, flags: 0, stream: 0, payload: ByteBuffer(), to: &bytes)
        var first = true
        while block.readableBytes > 0 {
            let piece = block.readSlice(length: min(block.readableBytes, 16384))!
            let last = block.readableBytes == 0
            // HEADERS with END_STREAM first, then CONTINUATION; END_HEADERS on the last.
            writeFrame(
                type: first ? 0x1 : 0x9, flags: (first ? 0x1 : 0) | (last ? 0x4 : 0), stream: 1, payload: piece,
                to: &bytes)
            first = false
        }
        let collector = Collector()
        let channel = try await ClientBootstrap(group: testGroup)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        // The server may close before it took every byte: a failed write is part of what is observed.
        try? await channel.writeAndFlush(bytes)
        let timer = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        timer.cancel()
        return RawFrame.all(in: collector.bytes)
    }

    private static func writeFrame(
        type: UInt8, flags: UInt8, stream: UInt32, payload: ByteBuffer, to bytes: inout ByteBuffer
    ) {
        let length = payload.readableBytes
        bytes.writeInteger(UInt8(length >> 16))
        bytes.writeInteger(UInt16(length & 0xFFFF))
        bytes.writeInteger(type)
        bytes.writeInteger(flags)
        bytes.writeInteger(stream)
        bytes.writeImmutableBuffer(payload)
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let received = Mutex<[UInt8]>([])

        var bytes: [UInt8] { received.withLock { $0 } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0 += buffer.readableBytesView }
        }

        // A reset after the server closed is part of what is observed, not a failure of the client.
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
