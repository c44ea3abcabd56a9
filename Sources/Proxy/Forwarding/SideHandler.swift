import NIOCore
import NIOHTTP2

/// The handler after each side's `NIOHTTP2Handler`: hands frames and events to the connection, which
/// forwards them to the other side. One class for both sides; `side` says which.
final class SideHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    let side: ProxyConnection.Side
    let connection: ProxyConnection

    init(side: ProxyConnection.Side, connection: ProxyConnection) {
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
        let frame = unwrapInboundIn(data)
        switch side {
        case .downstream: connection.downstreamFrame(frame)
        case .upstream: connection.upstreamFrame(frame)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.readComplete()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // NIO fires several stream events per stream; only closures matter, and they stop here.
        let type = type(of: event)
        if type == NIOHTTP2StreamCreatedEvent.self || type == NIOHTTP2WindowUpdatedEvent.self { return }
        if type == StreamClosedEvent.self {
            if let closed = event as? StreamClosedEvent { connection.streamClosed(side, closed) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.errorCaught(side, error)
    }
}
