import NIOCore
import Recording

/// What a connection's traffic says happened, call by call: what the proxy's forwarding path and the
/// passive decoder (``PassiveHTTP2Decoder``) hand the recorder, stamped with the time the bytes were read.
/// Buffers are shared, not copied; decoding messages happens on the recorder's thread.
public enum TapEvent: Sendable {
    /// A client opened a stream.
    case requestHeaders(connection: Int, stream: Int, headers: HeaderFields, time: Int64)
    /// The payload of a DATA frame (padding excluded).
    case data(connection: Int, stream: Int, direction: MessageDirection, bytes: ByteBuffer, time: Int64)
    /// The client's END_STREAM (on a DATA or HEADERS frame), after that frame's own event.
    case halfClose(connection: Int, stream: Int, time: Int64)
    /// A header block from the server: response headers, or trailers when it ends the stream.
    case responseHeaders(connection: Int, stream: Int, headers: HeaderFields, endStream: Bool, time: Int64)
    /// An RST_STREAM from one side.
    case reset(connection: Int, stream: Int, by: CallSide, code: UInt32, time: Int64)
    /// A GOAWAY from one side: no stream above `lastStream` opened by the other side was or will be
    /// processed; `code` is its HTTP/2 error code, `debug` its debug data as text.
    case goAway(connection: Int, by: CallSide, lastStream: Int, code: UInt32, debug: String, time: Int64)
    /// The stream ended another way; the text says how.
    case streamFailed(connection: Int, stream: Int, reason: String, time: Int64)
    /// A proxy answered the stream itself (its server could not be reached, `reason` says why): the call
    /// ends with the reason once the client is done with it (its half-close, its reset, or the end of the
    /// connection), its messages until then recorded.
    case answeredByProxy(connection: Int, stream: Int, reason: String, time: Int64)
    /// A connection is gone; its open calls end with the reason.
    case connectionClosed(connection: Int, reason: String, time: Int64)
    /// Calls of a connection that cannot be recorded (`reason`: they began before the capture did).
    case streamsLost(connection: Int, count: Int, reason: String)

    /// What the event costs the recorder's queue, for back-pressure.
    public var queuedBytes: Int {
        switch self {
        case .data(_, _, _, let bytes, _): 64 + bytes.readableBytes
        case .requestHeaders(_, _, let headers, _), .responseHeaders(_, _, let headers, _, _): 128 + headers.count * 64
        case .goAway(_, _, _, _, let debug, _): 64 + debug.utf8.count
        case .answeredByProxy(_, _, let reason, _): 64 + reason.utf8.count
        case .halfClose, .reset, .streamFailed, .connectionClosed, .streamsLost: 64
        }
    }
}
