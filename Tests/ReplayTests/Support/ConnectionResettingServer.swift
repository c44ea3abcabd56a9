import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/2 server that says hello (an empty SETTINGS frame, all a client waits for before it calls),
/// never answers a call, and resets each connection (TCP RST) `delay` after accepting it: connections cut
/// under the calls in flight, again and again.
struct ConnectionResettingServer {
    let channel: any Channel
    var address: String { "127.0.0.1:\(channel.localAddress?.port ?? 0)" }

    static func start(resettingAfter delay: TimeAmount) async throws -> ConnectionResettingServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Resetter(delay: delay))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ConnectionResettingServer(channel: channel)
    }

    func close() async throws { try await channel.close() }

    private final class Resetter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let delay: TimeAmount

        init(delay: TimeAmount) { self.delay = delay }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [0, 0, 0, 4, 0, 0, 0, 0, 0])), promise: nil)
            let channel = context.channel
            context.eventLoop.scheduleTask(in: delay) {
                // SO_LINGER of zero: close sends RST instead of FIN.
                guard let options = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
                options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
            }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }
}
