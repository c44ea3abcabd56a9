/// The events of one call gathered together: what the replayer, the mock and the checker work from.
public struct RecordedCall: Sendable, Hashable {
    /// The call event.
    public var start: CallStartEvent
    /// Messages in both directions, in the order they were seen.
    public var messages: [MessageEvent] = []
    /// The response headers (nil for a trailers-only response or a call cut short).
    public var headers: ResponseHeadersEvent?
    /// The status (nil for a call that was reset or still running).
    public var trailers: TrailersEvent?
    /// The end (nil when the call was still running as the recording stopped).
    public var end: CallEndEvent?

    /// A call with only its start.
    public init(start: CallStartEvent) { self.start = start }

    /// The request messages, in order.
    public var requests: [MessageEvent] { messages.filter { $0.direction == .request } }
    /// The response messages, in order.
    public var responses: [MessageEvent] { messages.filter { $0.direction == .response } }
}

extension Recording {
    /// The calls, in the order they started, each with its events.
    public var calls: [RecordedCall] {
        var order: [Int] = []
        var byID: [Int: RecordedCall] = [:]
        for event in events {
            switch event {
            case .call(let start):
                order.append(start.call)
                byID[start.call] = RecordedCall(start: start)
            case .message(let message): byID[message.call]?.messages.append(message)
            case .headers(let headers): byID[headers.call]?.headers = headers
            case .trailers(let trailers): byID[trailers.call]?.trailers = trailers
            case .end(let end): byID[end.call]?.end = end
            }
        }
        return order.compactMap { byID[$0] }
    }
}
