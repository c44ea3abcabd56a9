import NIOCore
import NIOPosix

/// A TCP server that sends an empty HTTP/2 SETTINGS frame and then ignores everything: a peer that looks
/// alive but never answers, not even PINGs.
struct MuteHTTP2Server {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start() async throws -> MuteHTTP2Server {
        let channel = try await ServerBootstrap(group: testGroup)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Mute())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return MuteHTTP2Server(channel: channel)
    }

    func close() async throws { try await channel.close() }

    private final class Mute: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelActive(context: ChannelHandlerContext) {
            // Frame header: length 0, type 4 (SETTINGS), flags 0, stream 0.
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [0, 0, 0, 4, 0, 0, 0, 0, 0])), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }
}
