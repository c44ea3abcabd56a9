import GRPCWire
import NIOCore
import ProtoCodec

/// The pending result of `asyncInvoke`: await `response`, or attach a callback to `future`.
public struct PendingResponse: Sendable {
    /// Completes on the client's event loop with the response; fails only with an `EngineError` from
    /// building the request (k6 rejects the promise then).
    public let future: EventLoopFuture<Response>

    /// The response, once the call ends.
    public var response: Response {
        get async throws { try await future.get() }
    }
}

extension Client {
    /// Calls a unary method and waits for its response (k6's `invoke`). RPC failures (a status other than
    /// OK, a deadline, a broken connection) come back in the response; only request-building problems
    /// throw: not connected, unknown method, bad params or request.
    public func invoke(_ url: String, request: Request, params: CallParams = CallParams()) async throws(EngineError)
        -> Response
    {
        let call = try prepare(url, request: request, params: params)
        do {
            return try await invoke(call)
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.notConnected, "\(error)")
        }
    }

    /// Calls a unary method with k6's JSON params object (validated as k6 does).
    public func invoke(_ url: String, request: Request, params json: JSONValue?) async throws(EngineError) -> Response {
        try await invoke(url, request: request, params: try CallParams(json: json, context: .invoke))
    }

    /// Starts a unary call without waiting (k6's `asyncInvoke`); several can be in flight on one connection.
    public func asyncInvoke(_ url: String, request: Request, params: CallParams = CallParams()) -> PendingResponse {
        do {
            let call = try prepare(url, request: request, params: params)
            return try start(call)
        } catch {
            let loop = configuration.group.any()
            return PendingResponse(future: loop.makeFailedFuture(error))
        }
    }

    /// Runs a prepared call and waits for its response.
    public func invoke(_ call: PreparedCall) async throws -> Response {
        try await start(call).response
    }

    /// Starts a prepared call; the response completes the returned future.
    public func start(_ call: PreparedCall) throws(EngineError) -> PendingResponse {
        let (session, _) = try currentSession()
        let promise = session.connection.eventLoop.makePromise(of: Response.self)
        Invoker(connection: session.connection, metrics: session.metrics, call: call, completion: .promise(promise))
            .start()
        return PendingResponse(future: promise.futureResult)
    }

    /// Starts a prepared call; `handler` gets the response on the client's event loop. The load path:
    /// nothing is encoded or rendered per call, and no `Task` runs.
    public func start(_ call: PreparedCall, handler: any ResponseHandler) throws(EngineError) {
        let (session, _) = try currentSession()
        Invoker(connection: session.connection, metrics: session.metrics, call: call, completion: .handler(handler))
            .start()
    }

    /// A reusable runner of `call` for a load loop: `runner.start()` runs it once, the response goes to
    /// `handler`, and the handler may start the runner again. One call in flight per runner.
    public func makeRunner(_ call: PreparedCall, handler: any ResponseHandler) throws(EngineError) -> CallRunner {
        let (session, _) = try currentSession()
        return CallRunner(
            invoker: Invoker(
                connection: session.connection, metrics: session.metrics, call: call, completion: .handler(handler)))
    }
}

/// Runs a prepared call again and again on one client, one at a time, without allocating engine objects
/// per call. Call `start()` on the client's event loop (from the handler, typically).
public final class CallRunner {
    let invoker: Invoker

    init(invoker: Invoker) { self.invoker = invoker }

    /// The event loop the calls run on.
    public var eventLoop: any EventLoop { invoker.connection.eventLoop }

    /// Starts the call once more.
    public func start() { invoker.start() }

    /// Replaces the request bytes for the next `start()` (replays of recorded requests).
    public func setRequest(_ bytes: ByteBuffer) { invoker.call.request = bytes }
}
