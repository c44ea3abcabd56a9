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
    let serverCall: ServerCall
    private let relay: PassthroughRelay
    private let kind: RPCKind?
    private let lock = NIOLock()
    private var call: ClientCall?
    private var log = PassthroughRecorder.CallLog()
    /// Every request the client sent so far, and whether it half-closed: sent again on a retry.
    private var requests: [ByteBuffer] = []
    private var halfClosed = false
    /// What is still to be handed to `call`, in order, while the call is not `flowing`: held until a
    /// connection takes it, and drained by `begin` before later requests may go straight to it.
    private var unsent: [ByteBuffer] = []
    private var endUnsent = false
    private var flowing = false
    private var cancelled = false
    /// The server answered something: the call can no longer be sent again.
    private var answered = false
    private var attempts = 0

    init(serverCall: ServerCall, relay: PassthroughRelay, kind: RPCKind?) {
        self.serverCall = serverCall
        self.relay = relay
        self.kind = kind
        log.start = ContinuousClock.now
    }

    /// The call is open on a connection: what was held goes out, in order, before anything sent later.
    func begin(_ call: ClientCall) {
        lock.withLock {
            self.call = call
            attempts += 1
        }
        while true {
            let (held, end, cancel) = lock.withLock {
                let taken = (unsent, endUnsent, cancelled)
                unsent = []
                endUnsent = false
                if taken.0.isEmpty, !taken.1 { flowing = true }
                return taken
            }
            if cancel { return call.cancel() }
            if held.isEmpty, !end { return }
            for message in held { call.send(message) }
            if end { call.end() }
        }
    }

    /// No connection could be had: the client gets UNAVAILABLE with the reason.
    func fail(_ failure: TransportFailure) {
        relay.log("passthrough to \(relay.target) failed for \(serverCall.path): \(failure); not recorded")
        serverCall.finish(GRPCStatus(code: .unavailable, message: failure.message, transportFailure: failure))
    }

    func forward(_ message: ByteBuffer) {
        let call = lock.withLock { () -> ClientCall? in
            log.events.append((.request(Array(message.readableBytesView)), .now))
            requests.append(message)
            guard flowing else {
                unsent.append(message)
                return nil
            }
            return self.call
        }
        call?.send(message)
    }

    func end() {
        let call = lock.withLock { () -> ClientCall? in
            log.events.append((.halfClose, .now))
            halfClosed = true
            guard flowing else {
                endUnsent = true
                return nil
            }
            return self.call
        }
        call?.end()
    }

    func cancel() {
        lock.withLock {
            cancelled = true
            return call
        }?.cancel()
    }

    func callReceivedHeaders(_ call: ClientCall, headers: Metadata) {
        lock.withLock {
            answered = true
            log.events.append((.headers(headers), .now))
        }
        serverCall.sendHeaders(headers)
    }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        lock.withLock {
            answered = true
            log.events.append((.response(Array(message.readableBytesView)), .now))
        }
        serverCall.send(message)
    }

    func callFinished(_ call: ClientCall, result: CallResult) {
        // A call the server never saw (its connection went away, or GOAWAY refused it) goes again on a fresh
        // connection, with what the client sent so far: grpc-core's transparent retry.
        let retry = lock.withLock {
            guard result.status.isSafeToRetry, !answered, !cancelled,
                attempts <= ConnectionPool.transparentRetries
            else { return false }
            self.call = nil
            flowing = false
            unsent = requests
            endUnsent = halfClosed
            return true
        }
        if retry { return relay.open(self) }
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
