import Engine
import GRPCWire
import NIOCore
import Recording
import Synchronization

/// Sends one planned call through the engine: unary calls with `invoke`, streams with `Stream`, request
/// bytes exactly as recorded (no JSON on this path).
struct CallExecutor: Sendable {
    /// Extra metadata sent with every call (after the recorded metadata; `--header` overrides).
    let metadata: Metadata
    /// How much faster than recorded stream messages are paced; nil sends them back to back.
    let pacing: Double?

    func run(_ call: PlannedCall, on client: Client, startedAt started: Duration) async -> CallOutcome {
        var params = CallParams()
        params.metadata = call.metadata
        for entry in metadata {
            params.metadata.removeAll(entry.key)
        }
        params.metadata.add(contentsOf: metadata)
        params.responseFormat = .protobuf
        params.timeout = call.timeout
        let begin = ContinuousClock.now
        switch call.kind {
        case .unary:
            return await unary(call, on: client, params: params, started: started, begin: begin)
        default:
            return await stream(call, on: client, params: params, started: started, begin: begin)
        }
    }

    private func unary(
        _ call: PlannedCall, on client: Client, params: CallParams, started: Duration, begin: ContinuousClock.Instant
    )
        async -> CallOutcome
    {
        do {
            let response = try await client.invoke(
                call.method, request: .protobuf(call.requests.first?.bytes ?? []), params: params)
            let latency = ContinuousClock.now - begin
            return CallOutcome(
                call: call.index, started: started, latency: latency, code: response.status.rawValue,
                message: response.error?.message ?? "",
                responses: response.rawMessage.map { [Array(buffer: $0)] } ?? [])
        } catch {
            return CallOutcome(
                call: call.index, started: started, latency: ContinuousClock.now - begin, code: nil,
                failure: "\(error)")
        }
    }

    private func stream(
        _ call: PlannedCall, on client: Client, params: CallParams, started: Duration, begin: ContinuousClock.Instant
    )
        async -> CallOutcome
    {
        let stream: Engine.Stream
        do {
            stream = try Engine.Stream(client, call.method, params: params)
        } catch {
            return CallOutcome(
                call: call.index, started: started, latency: ContinuousClock.now - begin, code: nil,
                failure: "\(error)")
        }
        let collected = Mutex<(responses: [[UInt8]], error: StreamError?)>(([], nil))
        stream.on(.data) { value, _ in
            if case .data(_, let raw) = value { collected.withLock { $0.responses.append(Array(buffer: raw)) } }
        }
        stream.on(.error) { value, _ in
            if case .error(let error) = value { collected.withLock { $0.error = error } }
        }
        for request in call.requests {
            if let pacing {
                let due = begin + request.offset / pacing
                if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
            }
            stream.write(.protobuf(request.bytes))
        }
        stream.end()
        await stream.ended()
        let latency = ContinuousClock.now - begin
        let (responses, error) = collected.withLock { ($0.responses, $0.error) }
        return CallOutcome(
            call: call.index, started: started, latency: latency, code: error?.code ?? 0,
            message: error?.message ?? "", responses: responses)
    }
}
