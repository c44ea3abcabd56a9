import NIOCore
import NIOHTTP2
import NIOPosix

/// An HTTP/2 server that answers every stream with RST_STREAM(`code`): a server resetting calls.
struct ResettingServer {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(code: HTTP2ErrorCode) async throws -> ResettingServer {
        let channel = try await ServerBootstrap(group: testGroup)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOHTTP2Handler(mode: .server))
                    try channel.pipeline.syncOperations.addHandler(Resetter(code: code))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ResettingServer(channel: channel)
    }

    func close() async throws { try await channel.close() }

    private final class Resetter: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame
        typealias OutboundOut = HTTP2Frame
        let code: HTTP2ErrorCode

        init(code: HTTP2ErrorCode) { self.code = code }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            if case .headers = frame.payload {
                context.writeAndFlush(
                    wrapOutboundOut(HTTP2Frame(streamID: frame.streamID, payload: .rstStream(code))), promise: nil)
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {}
    }
}
