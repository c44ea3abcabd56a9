import GRPCProtocol
import GRPCWire
import NIOCore
import Recording

/// The real server misses go to: a pool of connections that replaces one the server closed or sent
/// GOAWAY on (a server restarted, or one that ages its connections), and the recorder the answered calls
/// are appended to.
final class PassthroughRelay: Sendable {
    let pool: ConnectionPool
    /// `host:port`, for messages.
    let target: String
    let recorder: PassthroughRecorder?
    let log: @Sendable (String) -> Void

    init(
        pool: ConnectionPool, target: String, recorder: PassthroughRecorder?, log: @escaping @Sendable (String) -> Void
    ) {
        self.pool = pool
        self.target = target
        self.recorder = recorder
        self.log = log
    }

    /// Forwards a missed call: what the client sent so far at once, the rest as it comes.
    func start(serverCall: ServerCall, kind: RPCKind?, requests: [ByteBuffer], halfClosed: Bool) -> PassthroughCall {
        let relayed = PassthroughCall(serverCall: serverCall, relay: self, kind: kind)
        for request in requests { relayed.forward(request) }
        if halfClosed { relayed.end() }
        open(relayed)
        return relayed
    }

    /// Starts `relayed` on a connection that accepts calls; the requests it holds go out then.
    func open(_ relayed: PassthroughCall) {
        pool.connection().whenComplete { [self] result in
            switch result {
            case .success(let connection):
                var options = CallOptions()
                for entry in relayed.serverCall.requestMetadata where entry.key != "user-agent" {
                    options.metadata.add(entry.key, value: entry.value)
                }
                // The real server sees the client's user agent, not the mock's.
                options.userAgent = relayed.serverCall.requestMetadata.first("user-agent")?.text
                if let deadline = relayed.serverCall.deadline { options.timeout = deadline - .now() }
                relayed.begin(connection.makeCall(path: relayed.serverCall.path, options: options, delegate: relayed))
            case .failure(let error):
                relayed.fail(TransportFailure.classify(error, target: target))
            }
        }
    }
}
