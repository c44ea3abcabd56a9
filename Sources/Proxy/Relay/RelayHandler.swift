import NIOCore
import NIOTLS

/// The last handler of each side's pipeline: hands what it reads to the connection, which relays it to
/// the other side. One class for both sides; `side` says which.
final class RelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let side: RelayConnection.Side
    let connection: RelayConnection

    init(side: RelayConnection.Side, connection: RelayConnection) {
        self.side = side
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connection.attach(side, context: context)
        if context.channel.isActive { connection.sideActive(side) }
    }

    func channelActive(context: ChannelHandlerContext) {
        connection.sideActive(side)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.sideInactive(side)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connection.detach(side)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.read(side, unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.readComplete()
        if connection.fallback, side == .downstream {
            context.fireChannelReadComplete()
            connection.fallbackReadComplete()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        connection.writabilityChanged(side, writable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if side == .upstream, case .handshakeCompleted = event as? TLSUserEvent {
            connection.upstreamIsReady()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if connection.fallback, side == .downstream {
            context.fireErrorCaught(error)
            return
        }
        connection.errorCaught(side, error)
    }
}
