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
    /// The client's half-close (nil when it never half-closed, or the recording predates the event).
    public var halfClose: HalfCloseEvent?
    /// The client's reset of the stream (nil when the client did not cancel). In a recording made before
    /// `cancel` events existed, an end reset by the client stands for it, at the end's time.
    public var cancel: CancelEvent?
    /// How many response messages came before the half-close in file order (nil without a half-close).
    public var responsesBeforeHalfClose: Int?
    /// How many response messages came before the cancel in file order (nil without a cancel).
    public var responsesBeforeCancel: Int?
    /// The end (nil when the call was still running as the recording stopped).
    public var end: CallEndEvent?

    /// A call with only its start.
    public init(start: CallStartEvent) { self.start = start }

    /// The request messages, in order.
    public var requests: [MessageEvent] { messages.filter { $0.direction == .request } }
    /// The response messages, in order.
    public var responses: [MessageEvent] { messages.filter { $0.direction == .response } }

    /// The kind the recorded messages show, for a call recorded without its method's schema (`start.kind`
    /// is `.unknown`): one request and at most one response is unary, several requests client streaming,
    /// several responses server streaming, several of both bidirectional.
    public var kindFromMessages: RPCKind {
        let requests = messages.count { $0.direction == .request }
        let responses = messages.count - requests
        return RPCKind(clientStreaming: requests != 1, serverStreaming: responses > 1)
    }

    /// How many response messages came before the request at `requestIndex` (0-based, in `requests`) in `messages`.
    public func responsesBefore(requestIndex: Int) -> Int {
        precondition(requestIndex >= 0, "requestIndex must not be negative")
        var requestsSeen = 0
        var responsesSeen = 0
        for message in messages {
            if message.direction == .response {
                responsesSeen += 1
            } else {
                if requestsSeen == requestIndex { return responsesSeen }
                requestsSeen += 1
            }
        }
        preconditionFailure("the call has \(requestsSeen) request messages, no request \(requestIndex)")
    }
}

extension Recording {
    /// The calls, in the order they started, each with its events.
    public var calls: [RecordedCall] {
        var order: [Int] = []
        var byID: [Int: RecordedCall] = [:]
        // Responses seen so far per call, for the counts before a half-close or a cancel.
        var responses: [Int: Int] = [:]
        for event in events {
            switch event {
            case .call(let start):
                order.append(start.call)
                byID[start.call] = RecordedCall(start: start)
            case .message(let message):
                byID[message.call]?.messages.append(message)
                if message.direction == .response { responses[message.call, default: 0] += 1 }
            case .headers(let headers): byID[headers.call]?.headers = headers
            case .trailers(let trailers): byID[trailers.call]?.trailers = trailers
            case .halfClose(let halfClose):
                byID[halfClose.call]?.halfClose = halfClose
                byID[halfClose.call]?.responsesBeforeHalfClose = responses[halfClose.call, default: 0]
            case .cancel(let cancel):
                byID[cancel.call]?.cancel = cancel
                byID[cancel.call]?.responsesBeforeCancel = responses[cancel.call, default: 0]
            case .end(let end):
                byID[end.call]?.end = end
                // Recorded before `cancel` events existed, a client's reset is only its end: the cancel it was.
                if case .reset(.client, let code) = end.outcome, byID[end.call]?.cancel == nil {
                    byID[end.call]?.cancel = CancelEvent(time: end.time, call: end.call, errorCode: code)
                    byID[end.call]?.responsesBeforeCancel = responses[end.call, default: 0]
                }
            }
        }
        return order.compactMap { byID[$0] }
    }
}
