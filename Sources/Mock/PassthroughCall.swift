import Foundation
import GRPCProtocol
import GRPCWire
import NIOConcurrencyHelpers
import NIOCore
import Recording

/// One missed call relayed to the real server: requests go on as the client sends them, the server's
/// headers, messages and status come back, and the whole call is appended to the recording at its end.
///
/// Requests arrive on the mock's event loop and responses on the client connection's, so the events kept
/// for the recording are guarded by a lock (misses are not the hot path).
final class PassthroughCall: ClientCallDelegate, @unchecked Sendable {
    private let serverCall: ServerCall
    private let relay: PassthroughRelay
    private let kind: RPCKind?
    private let lock = NIOLock()
    private var call: ClientCall?
    private var log = PassthroughRecorder.CallLog()

    init(serverCall: ServerCall, relay: PassthroughRelay, kind: RPCKind?) {
        self.serverCall = serverCall
        self.relay = relay
        self.kind = kind
        log.start = ContinuousClock.now
    }

    func begin(_ call: ClientCall) { lock.withLock { self.call = call } }

    func forward(_ message: ByteBuffer) {
        let call = lock.withLock {
            log.events.append((.request(Array(message.readableBytesView)), .now))
            return self.call
        }
        call?.send(message)
    }

    func end() {
        let call = lock.withLock {
            log.events.append((.halfClose, .now))
            return self.call
        }
        call?.end()
    }

    func cancel() { lock.withLock { call }?.cancel() }

    func callReceivedHeaders(_ call: ClientCall, headers: Metadata) {
        lock.withLock { log.events.append((.headers(headers), .now)) }
        serverCall.sendHeaders(headers)
    }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        lock.withLock { log.events.append((.response(Array(message.readableBytesView)), .now)) }
        serverCall.send(message)
    }

    func callFinished(_ call: ClientCall, result: CallResult) {
        let finished = lock.withLock {
            log.events.append((.status(result.status, result.trailers), .now))
            return log
        }
        serverCall.finish(result.status, trailers: result.trailers)
        if let failure = result.status.transportFailure {
            relay.log("passthrough to \(relay.target) failed for \(call.path): \(failure); not recorded")
            return
        }
        guard let recorder = relay.recorder else { return }
        do {
            try recorder.append(
                finished, path: serverCall.path, kind: kind, authority: serverCall.authority,
                metadata: serverCall.requestMetadata)
        } catch {
            relay.log("cannot append \(call.path) to \(recorder.path): \(error)")
        }
    }
}
