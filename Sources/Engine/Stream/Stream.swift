import Foundation
import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore
import ProtoCodec
import Synchronization

/// A streaming call with k6's `Stream` API, for client, server and bidirectional streaming methods:
/// register handlers with `on`, send with `write`, half-close with `end`.
///
/// ```swift
/// let stream = try Stream(client, "demo.v1.Demo/Chat")
/// stream.on(.data) { value, _ in if case .data(let message, _) = value { print(message) } }
/// stream.on(.error) { value, _ in if case .error(let error) = value { print(error) } }
/// stream.write(.json(#"{"text":"hi"}"#))
/// stream.end()
/// await stream.ended()
/// ```
///
/// The call starts (headers go out) when the stream is made. Events run on the client's event loop in
/// k6's order: `data` per message, then on failure `error`, then `end`, exactly once. Events are held
/// until the first `write`, `end` or `ended()`, so handlers registered before those see everything.
/// Writes after `end()` or after the stream closed do nothing; for a method without client streaming
/// the first write also half-closes.
public final class Stream: @unchecked Sendable {
    /// The method.
    public let method: RPCMethod
    private let client: Client
    private let eventLoop: any EventLoop
    private let connection: ClientConnection
    private let metrics: LoopMetrics?
    private let series: CallSeries?
    private let renderer: ResponseRenderer
    private let discardResponseMessage: Bool
    private let responseFormat: ResponseFormat
    private let handlers = Mutex<[StreamEvent: [StreamHandler]]>([:])

    // Confined to the event loop.
    private var call: ClientCall?
    private var writingOpen = true
    private var closed = false
    private var armed = false
    private var held: [(StreamEvent, StreamEventValue, StreamEventMetadata)] = []
    private var startedAt: UInt64 = 0
    private var endWaiters: [CheckedContinuation<Void, Never>] = []

    /// Starts a stream on `client` to `url` (k6's `new Stream(client, url, params)`); throws k6's errors
    /// for an unconnected client, an unknown method or bad params.
    public init(_ client: Client, _ url: String, params: CallParams = CallParams()) throws(EngineError) {
        let session: Client.Session
        let schema: ClientSchema
        do throws(EngineError) {
            (session, schema) = try client.currentSession()
        } catch {
            throw EngineError(error.code, "invalid GRPC Stream's client: \(error.message)")
        }
        do throws(EngineError) {
            method = try schema.method(url)
        } catch {
            throw EngineError(error.code, "invalid GRPC Stream's method: \(error.message)")
        }
        self.client = client
        connection = session.connection
        eventLoop = session.connection.eventLoop
        metrics = session.metrics
        series = client.callSeries(for: method, session: session, tags: params.tags)
        renderer = ResponseRenderer(registry: schema.registry)
        discardResponseMessage = params.discardResponseMessage
        responseFormat = params.responseFormat
        let options = client.callOptions(params, session: session, defaultTimeout: nil)
        client.register(self)
        // Started in place when made on the loop (from another stream's handler, say), so a `write` right
        // after finds the call; from elsewhere the loop runs it before any later `write`.
        onLoop { self.startCall(options) }
    }

    private func startCall(_ options: CallOptions) {
        startedAt = NIODeadline.now().uptimeNanoseconds
        call = connection.makeCall(path: method.path, options: options, delegate: Delegate(stream: self))
        if let series, let metrics { metrics.sink.add(series.series.streams, 1) }
    }

    /// Starts a stream with k6's JSON params object (validated as k6 does).
    public convenience init(_ client: Client, _ url: String, params json: JSONValue?) throws(EngineError) {
        try self.init(client, url, params: try CallParams(json: json, context: .stream))
    }

    // MARK: k6's API

    /// Registers a handler; several per event run in registration order.
    public func on(_ event: StreamEvent, _ handler: @escaping StreamHandler) {
        handlers.withLock { $0[event, default: []].append(handler) }
    }

    /// Registers a handler by k6's event name; an unknown name logs k6's warning and registers nothing.
    public func on(_ eventName: String, _ handler: @escaping StreamHandler) {
        guard let event = StreamEvent(rawValue: eventName) else {
            client.configuration.warn(
                "can't register \(eventName) event handler: unknown GRPC stream's event type: \(eventName)")
            return
        }
        on(event, handler)
    }

    /// Sends a message. Encoding problems surface as an `error` event (then `end`), not as a throw.
    public func write(_ request: Request) {
        let encoded: Result<ByteBuffer, EngineError>
        do throws(EngineError) {
            encoded = .success(try request.encoded(as: method.inputType))
        } catch {
            encoded = .failure(error)
        }
        onLoop { self.send(encoded) }
    }

    /// Half-closes the request side (idempotent); the `end` event comes when the server finishes.
    public func end() {
        onLoop {
            self.arm()
            guard self.writingOpen, !self.closed else { return }
            self.writingOpen = false
            self.call?.end()
        }
    }

    /// Waits for the `end` event (and releases held events, like `write` and `end` do).
    public func ended() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            onLoop {
                self.arm()
                if self.closed { continuation.resume() } else { self.endWaiters.append(continuation) }
            }
        }
    }

    /// Cancels the stream (RST_STREAM); handlers see k6's client-cancel `error` and `end`.
    public func cancel() {
        onLoop { self.closeByClient() }
    }

    // MARK: Typed conveniences

    /// Registers a `data` handler taking the message's JSON.
    public func onData(_ handler: @escaping @Sendable (JSONValue) throws -> Void) {
        on(.data) { value, _ in if case .data(let json, _) = value { try handler(json) } }
    }

    /// Registers an `error` handler.
    public func onError(_ handler: @escaping @Sendable (StreamError) -> Void) {
        on(.error) { value, _ in if case .error(let error) = value { handler(error) } }
    }

    /// Registers an `end` handler.
    public func onEnd(_ handler: @escaping @Sendable () -> Void) {
        on(.end) { _, _ in handler() }
    }

    // MARK: On the event loop

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }

    private func send(_ encoded: Result<ByteBuffer, EngineError>) {
        arm()
        guard writingOpen, !closed, let call else { return }
        switch encoded {
        case .failure(let error):
            fail(StreamError(code: StatusCode.unknown.rawValue, message: Self.writeFailure(error)))
            call.cancel()
        case .success(let bytes):
            if method.isClientStreaming {
                call.send(bytes)
            } else {
                // grpc-go sends the only request of a unary or server-streaming call with END_STREAM.
                writingOpen = false
                call.send(bytes, endStream: true)
            }
            if let series, let metrics { metrics.sink.add(series.series.messagesSent, 1) }
        }
    }

    private static func writeFailure(_ error: EngineError) -> String {
        let prefix = "unable to serialise request object to protocol buffer: "
        let detail = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
        return "can't serialise request object to protocol buffer: " + detail
    }

    /// Delivers held events once the script has had its chance to register handlers.
    private func arm() {
        guard !armed else { return }
        armed = true
        let events = held
        held = []
        for (event, value, metadata) in events { deliver(event, value, metadata) }
    }

    private func emit(_ event: StreamEvent, _ value: StreamEventValue) {
        let metadata = StreamEventMetadata(ts: Int64(Date().timeIntervalSince1970))
        if armed { deliver(event, value, metadata) } else { held.append((event, value, metadata)) }
    }

    private func deliver(_ event: StreamEvent, _ value: StreamEventValue, _ metadata: StreamEventMetadata) {
        let list = handlers.withLock { $0[event] ?? [] }
        if event == .error, list.isEmpty, case .error(let error) = value {
            client.configuration.warn("no handlers for error registered, but an error happened: \(error)")
        }
        for handler in list {
            do {
                try handler(value, metadata)
            } catch {
                // k6: a throwing data handler closes the stream with its error.
                if event == .data {
                    fail(StreamError(code: StatusCode.unknown.rawValue, message: "\(error)"))
                    call?.cancel()
                }
                return
            }
        }
        if event == .end {
            let waiters = endWaiters
            endWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Ends the stream from this side: `error` (when given) then `end`, once.
    private func fail(_ error: StreamError?) {
        guard !closed else { return }
        closed = true
        writingOpen = false
        client.unregister(self)
        if let error { emit(.error, .error(error)) }
        emit(.end, .end)
    }

    /// `client.close()` or `cancel()`: k6 reports the cancellation as an error, then ends.
    func closeByClient() {
        onLoop {
            guard !self.closed else { return }
            self.fail(StreamError(code: StatusCode.unknown.rawValue, message: "canceled by client (k6)"))
            self.call?.cancel()
        }
    }

    fileprivate func received(_ message: ByteBuffer) {
        if let series, let metrics { metrics.sink.add(series.series.messagesReceived, 1) }
        guard !closed else { return }
        var json: JSONValue = .object([:])
        if !discardResponseMessage, responseFormat == .json {
            do {
                json = try renderer.message(message, as: method.outputType)
            } catch {
                fail(
                    StreamError(
                        code: StatusCode.internalError.rawValue,
                        message: "grpc: failed to unmarshal the received message: \(error)"))
                call?.cancel()
                return
            }
        } else if responseFormat == .protobuf {
            json = .null
        }
        emit(.data, .data(json, raw: message))
    }

    fileprivate func finished(_ result: CallResult) {
        if let series, let metrics {
            let elapsed = Int64(NIODeadline.now().uptimeNanoseconds &- startedAt)
            series.record(metrics.sink, status: result.status, nanoseconds: elapsed)
        }
        call = nil
        let status = result.status
        if status.isOK {
            fail(nil)
        } else if status.code == .cancelled {
            fail(StreamError(code: StatusCode.unknown.rawValue, message: "canceled by client (k6)"))
        } else {
            fail(
                StreamError(
                    code: status.code.rawValue, message: status.message,
                    details: renderer.streamDetails(status.details?.details ?? []),
                    k6ErrorCode: status.transportFailure?.k6ErrorCode))
        }
    }

    /// The wire's delegate, kept apart so the stream's public surface stays k6's.
    private final class Delegate: ClientCallDelegate {
        let stream: Stream
        init(stream: Stream) { self.stream = stream }
        func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) { stream.received(message) }
        func callFinished(_ call: ClientCall, result: CallResult) { stream.finished(result) }
    }
}
