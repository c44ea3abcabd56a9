import GRPCWire
import NIOCore
import Reflection

/// What `healthCheck` returns: k6's `{status: ServingStatus}`.
public struct HealthCheckResponse: Sendable, Hashable {
    /// The serving status (compare with `.serving`, k6's `HealthCheckServing`).
    public var status: ServingStatus
}

extension Client {
    /// Calls `grpc.health.v1.Health/Check` for `service` (`""`: the whole server), with no `.proto` to
    /// load. An RPC failure throws (`rpc error: code = Unimplemented desc = ...`), as in k6.
    public func healthCheck(_ service: String = "") async throws(EngineError) -> HealthCheckResponse {
        let (session, _) = try currentSession()
        let started = NIODeadline.now()
        var options = CallOptions()
        options.maxReceiveMessageSize = session.maxReceiveSize
        let result = await HealthClient.check(on: session.connection, service: service, options: options)
        if let series = bareSeries(), let loop = session.metrics {
            let elapsed = Int64(NIODeadline.now().uptimeNanoseconds - started.uptimeNanoseconds)
            let status = result.callResult.status
            loop.eventLoop.execute { series.record(loop.sink, status: status, nanoseconds: elapsed) }
        }
        guard result.callResult.status.isOK else {
            throw EngineError(.healthCheck, result.callResult.status.goErrorDescription)
        }
        return HealthCheckResponse(status: result.servingStatus)
    }
}
