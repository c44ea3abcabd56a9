import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import Synchronization

/// The standard health service (`grpc.health.v1.Health`: `Check`, `List` and `Watch`) for a `GRPCServer`,
/// answering from a table of statuses that can change while the server runs.
///
/// ```swift
/// let health = HealthService(statuses: ["": .serving, "demo.v1.Demo": .serving])
/// health.register(on: &router)
/// health.set("demo.v1.Demo", .notServing)   // watchers are told at once
/// ```
public final class HealthService: Sendable {
    private struct State {
        var statuses: [String: ServingStatus]
        var watchers: [ObjectIdentifier: (service: String, call: ServerCall)] = [:]
    }

    private let state: Mutex<State>

    /// A service reporting `statuses`; a service not in the table is unknown (`Check` answers NOT_FOUND).
    public init(statuses: [String: ServingStatus] = ["": .serving]) {
        state = Mutex(State(statuses: statuses))
    }

    /// The status reported for `service`, if it is in the table.
    public func status(of service: String) -> ServingStatus? {
        state.withLock { $0.statuses[service] }
    }

    /// Sets the status of `service` and tells its watchers.
    public func set(_ service: String, _ status: ServingStatus) {
        let calls = state.withLock { state in
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.call)
        }
        for call in calls { call.send(Self.encode(status)) }
    }

    /// Routes `Check`, `List` and `Watch` to this service.
    public func register(on router: inout ServerRouter) {
        router.unary("/grpc.health.v1.Health/Check") { request, call in
            guard let service = Self.decodeService(request) else {
                return call.finish(GRPCStatus(code: .invalidArgument, message: "malformed HealthCheckRequest"))
            }
            guard let status = self.status(of: service) else {
                return call.finish(GRPCStatus(code: .notFound, message: "unknown service"))
            }
            call.respond(Self.encode(status))
        }
        router.unary("/grpc.health.v1.Health/List") { _, call in
            let statuses = self.state.withLock { $0.statuses }
            var response = BuiltinProtos.type("grpc.health.v1.HealthListResponse").makeMessage()
            let entryType = BuiltinProtos.type("grpc.health.v1.HealthCheckResponse")
            response["statuses"] = .map(
                MapValue(
                    statuses.keys.sorted().map { name in
                        var entry = entryType.makeMessage()
                        entry["status"] = .enumNumber(statuses[name]!.rawValue)
                        return MapValue.Entry(key: .string(name), value: .message(entry))
                    }))
            call.respond(ByteBuffer(bytes: try! response.serializedBytes()))
        }
        router.register("/grpc.health.v1.Health/Watch") { _ in WatchHandler(service: self) }
    }

    fileprivate func watch(_ service: String, call: ServerCall) {
        let status = state.withLock { state in
            state.watchers[ObjectIdentifier(call)] = (service, call)
            return state.statuses[service]
        }
        call.send(Self.encode(status ?? .serviceUnknown))
    }

    fileprivate func unwatch(_ call: ServerCall) {
        _ = state.withLock { $0.watchers.removeValue(forKey: ObjectIdentifier(call)) }
    }

    static func encode(_ status: ServingStatus) -> ByteBuffer {
        var response = BuiltinProtos.type("grpc.health.v1.HealthCheckResponse").makeMessage()
        if status.rawValue != 0 { response["status"] = .enumNumber(status.rawValue) }
        return ByteBuffer(bytes: try! response.serializedBytes())
    }

    static func decodeService(_ buffer: ByteBuffer) -> String? {
        let type = BuiltinProtos.type("grpc.health.v1.HealthCheckRequest")
        guard let message = try? buffer.withUnsafeReadableBytes({ try DynamicMessage(type: type, serializedBytes: $0) })
        else { return nil }
        return message["service"]?.stringValue ?? ""
    }
}

/// One `Watch` stream: registered on its request, unregistered when the client goes away.
private final class WatchHandler: ServerCallHandler {
    let service: HealthService
    init(service: HealthService) { self.service = service }

    func received(_ message: ByteBuffer, call: ServerCall) {
        guard let name = HealthService.decodeService(message) else {
            return call.finish(GRPCStatus(code: .invalidArgument, message: "malformed HealthCheckRequest"))
        }
        service.watch(name, call: call)
    }

    func receivedEnd(call: ServerCall) {}

    func cancelled(call: ServerCall, status: GRPCStatus) {
        service.unwatch(call)
    }
}
