/// One line after the header.
public enum RecordingEvent: Sendable, Hashable {
    /// An RPC starts.
    case call(CallStartEvent)
    /// A message in either direction.
    case message(MessageEvent)
    /// The response headers.
    case headers(ResponseHeadersEvent)
    /// The gRPC status.
    case trailers(TrailersEvent)
    /// The client ended its request side.
    case halfClose(HalfCloseEvent)
    /// The client reset the stream.
    case cancel(CancelEvent)
    /// The call is over.
    case end(CallEndEvent)

    /// The call the event belongs to.
    public var call: Int {
        switch self {
        case .call(let event): event.call
        case .message(let event): event.call
        case .headers(let event): event.call
        case .trailers(let event): event.call
        case .halfClose(let event): event.call
        case .cancel(let event): event.call
        case .end(let event): event.call
        }
    }

    /// Nanoseconds since the recording started.
    public var time: Int64 {
        switch self {
        case .call(let event): event.time
        case .message(let event): event.time
        case .headers(let event): event.time
        case .trailers(let event): event.time
        case .halfClose(let event): event.time
        case .cancel(let event): event.time
        case .end(let event): event.time
        }
    }

    /// The `type` value written for the event.
    public var typeName: String {
        switch self {
        case .call: "call"
        case .message: "message"
        case .headers: "headers"
        case .trailers: "trailers"
        case .halfClose: "half_close"
        case .cancel: "cancel"
        case .end: "end"
        }
    }
}
