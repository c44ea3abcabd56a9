import ProtoCodec

extension Stream {
    /// The stream's events as an async sequence, for async code that would rather loop than register
    /// handlers: `.data` per message, then `.error` on failure, then `.end`, after which the sequence
    /// finishes. Call it before the first `write`, `end` or `ended()` so nothing is missed.
    ///
    /// ```swift
    /// let stream = try GRPCStream(client, "demo.v1.Demo/Countdown")
    /// let events = stream.events()
    /// stream.write(.json(#"{"from":3}"#))
    /// for await event in events {
    ///     if case .data(let message, _) = event { print(message) }
    /// }
    /// ```
    public func events(bufferingPolicy: AsyncStream<StreamEventValue>.Continuation.BufferingPolicy = .unbounded)
        -> AsyncStream<StreamEventValue>
    {
        let (sequence, continuation) = AsyncStream.makeStream(
            of: StreamEventValue.self, bufferingPolicy: bufferingPolicy)
        on(.data) { value, _ in continuation.yield(value) }
        on(.error) { value, _ in continuation.yield(value) }
        on(.end) { value, _ in
            continuation.yield(value)
            continuation.finish()
        }
        return sequence
    }

    /// Sends every message, half-closes, and collects the response messages until the stream ends: the
    /// whole exchange of a client-streaming or bidirectional call in one `await`. Returns the messages'
    /// JSON and the failure, if the stream failed.
    public func exchange(_ requests: [Request]) async -> (messages: [JSONValue], error: StreamError?) {
        let events = events()
        for request in requests { write(request) }
        end()
        var messages: [JSONValue] = []
        var failure: StreamError?
        for await event in events {
            switch event {
            case .data(let message, _): messages.append(message)
            case .error(let error): failure = error
            case .end: break
            }
        }
        return (messages, failure)
    }
}
