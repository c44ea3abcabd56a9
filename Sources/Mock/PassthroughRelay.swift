import GRPCProtocol
import GRPCWire
import NIOCore
import Recording

/// The real server misses go to: one connection, and the recorder the answered calls are appended to.
final class PassthroughRelay: Sendable {
    let connection: ClientConnection
    /// `host:port`, for messages.
    let target: String
    let recorder: PassthroughRecorder?
    let log: @Sendable (String) -> Void

    init(
        connection: ClientConnection, target: String, recorder: PassthroughRecorder?,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.connection = connection
        self.target = target
        self.recorder = recorder
        self.log = log
    }

    /// Forwards a missed call: what the client sent so far now, the rest as it comes.
    func start(serverCall: ServerCall, kind: RPCKind?, requests: [ByteBuffer], halfClosed: Bool) -> PassthroughCall {
        let relayed = PassthroughCall(serverCall: serverCall, relay: self, kind: kind)
        var options = CallOptions()
        for entry in serverCall.requestMetadata where entry.key != "user-agent" {
            options.metadata.add(entry.key, value: entry.value)
        }
        if let deadline = serverCall.deadline { options.timeout = deadline - .now() }
        let call = connection.makeCall(path: serverCall.path, options: options, delegate: relayed)
        relayed.begin(call)
        for request in requests { relayed.forward(request) }
        if halfClosed { relayed.end() }
        return relayed
    }
}
