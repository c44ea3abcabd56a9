import GRPCProtocol
import GRPCWire
import Metrics
import Synchronization

/// The metric series of one method called with one tag set: k6's `grpc_req_duration` (plus `grpc_reqs`,
/// `grpc_req_failed` and the stream counters) resolved once, and, for transport failures, the same
/// series with k6's `error_code` tag (resolved on first use).
final class CallSeries: Sendable {
    let series: GRPCCallSeries
    private let registry: MetricsRegistry
    private let failures = Mutex<[FailureKey: FailureSeries]>([:])

    private struct FailureKey: Hashable {
        var status: Int
        var errorCode: Int
    }

    private struct FailureSeries {
        var duration: TrendSeries
        var requests: CounterSeries
        var failed: RateSeries
    }

    init(registry: MetricsRegistry, tags: TagSet) {
        self.registry = registry
        series = GRPCCallSeries(registry: registry, tags: tags)
    }

    /// k6's tags for a call: the client's base tags, `url`, `name`, `service`, `method`, then the call's
    /// own tags (a `name` tag replaces the path; `url`, `service` and `method` stay the system's).
    static func tags(base: TagSet, address: String, method: RPCMethod, user: TagSet) -> TagSet {
        tags(
            base: base, address: address, path: method.path, service: method.serviceName, name: method.name, user: user)
    }

    /// The same tags for a call known only by its path (`/pkg.Service/Method`): raw calls need no schema.
    static func tags(base: TagSet, address: String, path: String, user: TagSet = .empty) -> TagSet {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        let slash = trimmed.lastIndex(of: "/")
        let service = slash.map { String(trimmed[..<$0]) } ?? ""
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? String(trimmed)
        return tags(base: base, address: address, path: path, service: service, name: name, user: user)
    }

    private static func tags(
        base: TagSet, address: String, path: String, service: String, name: String, user: TagSet
    ) -> TagSet {
        var tags = base
        tags.set("url", address + path)
        tags.set("name", path)
        tags.set("service", service)
        tags.set("method", name)
        for tag in user.tags where !["url", "service", "method"].contains(tag.key) {
            tags.set(tag.key, tag.value)
        }
        return tags
    }

    /// Records a finished call (on the sink's loop); `failed` overrides "not OK" as the failure test.
    func record(_ sink: MetricsSink, status: GRPCStatus, nanoseconds: Int64, failed: Bool? = nil) {
        guard let failure = status.transportFailure else {
            sink.recordCall(
                series, status: status.code.rawValue, nanoseconds: nanoseconds, failed: failed ?? !status.isOK)
            return
        }
        let key = FailureKey(status: status.code.rawValue, errorCode: failure.k6ErrorCode)
        let resolved = failures.withLock { cache in
            if let found = cache[key] { return found }
            let tags = series.tags.adding("status", String(key.status)).adding("error_code", String(key.errorCode))
            let made = FailureSeries(
                duration: registry.trend(registry.builtin.grpcReqDuration, tags),
                requests: registry.counter(registry.builtin.grpcReqs, tags),
                failed: registry.rate(registry.builtin.grpcReqFailed, tags))
            cache[key] = made
            return made
        }
        sink.add(resolved.duration, nanoseconds: nanoseconds)
        sink.add(resolved.requests, 1)
        sink.add(resolved.failed, failed ?? true)
    }
}
