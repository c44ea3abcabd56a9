import NIOCore

/// The application side of one server call: an object made per call by the router, called on the
/// connection's event loop with the request messages, the end of the request, or a cancellation.
///
/// It answers through the `ServerCall` it is given (`send`, `finish`), now or later, from any thread.
public protocol ServerCallHandler: AnyObject {
    /// A request message arrived (decompressed).
    func received(_ message: ByteBuffer, call: ServerCall)
    /// The client half-closed: no more request messages will come.
    func receivedEnd(call: ServerCall)
    /// The call ended before the handler finished it: the client reset the stream, the deadline passed,
    /// the connection closed, or a request broke a limit. Sending is no longer possible.
    func cancelled(call: ServerCall, status: GRPCStatus)
}

extension ServerCallHandler {
    /// Many handlers have nothing to clean up.
    public func cancelled(call: ServerCall, status: GRPCStatus) {}
}
