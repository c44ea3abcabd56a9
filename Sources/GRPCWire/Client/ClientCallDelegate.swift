import NIOCore

/// Receives the events of one client call, on the connection's event loop, in order: headers (at most
/// once), messages, then `callFinished` exactly once.
///
/// A delegate can serve many calls one after another (the benchmark reuses one per worker); the call is
/// passed to every method. The call drops its reference to the delegate after `callFinished`.
public protocol ClientCallDelegate: AnyObject {
    /// The response headers arrived.
    func callReceivedHeaders(_ call: ClientCall, headers: Metadata)
    /// A response message arrived (decompressed). With manual flow control, give its window back with
    /// `call.releaseReceiveWindow(bytes: call.lastMessageWireLength)` once it has been passed on.
    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer)
    /// The call ended; no more events follow.
    func callFinished(_ call: ClientCall, result: CallResult)
}

extension ClientCallDelegate {
    /// Headers are often uninteresting; they are repeated in the `CallResult` anyway.
    public func callReceivedHeaders(_ call: ClientCall, headers: Metadata) {}
}
