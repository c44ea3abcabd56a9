import NIOCore

/// The first handler of a connection's pipeline: counts the bytes that cross the socket, before TLS.
final class ByteCountingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let counters: [ByteCounter]

    init(counters: [ByteCounter]) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        for counter in counters { counter.addReceived(count) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let count = unwrapOutboundIn(data).readableBytes
        for counter in counters { counter.addSent(count) }
        context.write(data, promise: promise)
    }
}
