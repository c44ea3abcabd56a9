import NIOCore
import NIOHTTP2

/// Graceful shutdown of one connection.
extension ProxyConnection {
    /// GOAWAY with the largest id (no new streams, please) and a PING; when the ACK proves the client saw
    /// it, a final GOAWAY names the last stream that will be served, and the connection closes once its
    /// streams are done.
    func startDraining() {
        guard case .none = drain, downstream != nil else {
            if streams.isEmpty { close() }
            return
        }
        drain = .announced
        downstreamWitness.ownGoAways += 1
        write(
            .downstream,
            HTTP2Frame(
                streamID: .rootStream, payload: .goAway(lastStreamID: .maxID, errorCode: .noError, opaqueData: nil)))
        write(.downstream, HTTP2Frame(streamID: .rootStream, payload: .ping(Self.drainPing, ack: false)))
    }

    func sendFinalGoAway() {
        guard case .announced = drain else { return }
        drain = .final
        downstreamWitness.ownGoAways += 1
        write(
            .downstream,
            HTTP2Frame(
                streamID: .rootStream,
                payload: .goAway(lastStreamID: highestStreamID, errorCode: .noError, opaqueData: nil)))
        if streams.isEmpty { close() }
    }
}
