import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec

/// The standard health checking client (`grpc.health.v1.Health/Check`), with no `.proto` to load.
public enum HealthClient {
    /// The method path of `Check`.
    public static let checkPath = "/grpc.health.v1.Health/Check"
    /// The method path of `Watch`.
    public static let watchPath = "/grpc.health.v1.Health/Watch"

    /// The outcome of a check: the serving status, or the RPC's failure.
    public struct Result: Sendable {
        /// The status the server reported (`.unknown` when the call failed).
        public var servingStatus: ServingStatus
        /// How the call ended (OK, or why not).
        public var callResult: CallResult
    }

    /// Asks for the health of `service` (`""` means the server as a whole). Never throws: a failed call
    /// comes back in `callResult.status`.
    public static func check(
        on connection: ClientConnection, service: String = "", options: CallOptions = .defaults
    ) async -> Result {
        let response = await connection.unary(path: checkPath, request: encodeRequest(service), options: options)
        var result = Result(servingStatus: .unknown, callResult: response.result)
        guard response.result.status.isOK, let message = response.message else { return result }
        do {
            result.servingStatus = try decodeResponse(message)
        } catch {
            result.callResult.status = GRPCStatus(
                code: .internalError, message: "grpc: failed to unmarshal the received message: \(error)")
        }
        return result
    }

    /// Watches the health of `service` (`Health/Watch`): `onStatus` gets the first status and every change
    /// the server sends, until the call ends (the server ends it, or it fails: the result says which).
    /// A message that is not a `HealthCheckResponse` ends the call with INTERNAL.
    public static func watch(
        on connection: ClientConnection, service: String = "", options: CallOptions = .defaults,
        onStatus: (ServingStatus) -> Void
    ) async -> CallResult {
        let session = CallSession.start(on: connection, path: watchPath, options: options)
        session.send(encodeRequest(service))
        session.end()
        while let message = await session.next() {
            do {
                onStatus(try decodeResponse(message))
            } catch {
                session.cancel()
                _ = await session.finished()
                return CallResult(
                    status: GRPCStatus(
                        code: .internalError, message: "grpc: failed to unmarshal the received message: \(error)"))
            }
        }
        return await session.finished()
    }

    /// The binary `HealthCheckRequest` for `service`.
    public static func encodeRequest(_ service: String) -> ByteBuffer {
        var request = BuiltinProtos.type("grpc.health.v1.HealthCheckRequest").makeMessage()
        if !service.isEmpty { request["service"] = .string(service) }
        return ByteBuffer(bytes: try! request.serializedBytes())
    }

    /// The status in a binary `HealthCheckResponse`.
    public static func decodeResponse(_ buffer: ByteBuffer) throws -> ServingStatus {
        let type = BuiltinProtos.type("grpc.health.v1.HealthCheckResponse")
        let message = try buffer.withUnsafeReadableBytes { try DynamicMessage(type: type, serializedBytes: $0) }
        if case .enumNumber(let number) = message["status"] { return ServingStatus(rawValue: number) }
        return .unknown
    }
}
