import NIOCore
import NIOTLS

/// Fails the connection when TLS did not negotiate `h2` by ALPN: a server that falls back to HTTP/1.1
/// would otherwise fail later with a confusing HTTP/2 preface error.
final class ALPNCheckHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let target: String

    init(target: String) { self.target = target }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let negotiated) = event as? TLSUserEvent {
            if let negotiated, negotiated != "h2" {
                context.fireErrorCaught(
                    TransportFailure(
                        .tls, "\(target) negotiated \"\(negotiated)\" by ALPN instead of h2: it is not a gRPC server"))
            }
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
