/// Pre-resolved handles for the samples of one method's calls (k6's call tags: `url`, `name`, `service`,
/// `method`, `scenario`, `group` and user tags), one set per gRPC status code, so recording a finished
/// call is a few array accesses. Build one per method (and tag set) at start-up and share it freely.
public struct GRPCCallSeries: Sendable {
    /// `grpc_req_duration` by status code (0...16).
    public let duration: [TrendSeries]
    /// `grpc_reqs` by status code.
    public let requests: [CounterSeries]
    /// `grpc_req_failed` by status code.
    public let failed: [RateSeries]
    /// `grpc_streams`, without status (streams count when they start).
    public let streams: CounterSeries
    /// `grpc_streams_msgs_sent`, without status.
    public let messagesSent: CounterSeries
    /// `grpc_streams_msgs_received`, without status.
    public let messagesReceived: CounterSeries
    /// The call tags (without `status`).
    public let tags: TagSet

    /// The status codes gRPC defines (OK through UNAUTHENTICATED); others resolve on the slow path.
    public static let statusCodes = 0...16

    /// Resolves every handle for calls tagged `tags` (which should not include `status`).
    public init(registry: MetricsRegistry, tags: TagSet) {
        let metrics = registry.builtin
        let withStatus = Self.statusCodes.map { tags.adding("status", String($0)) }
        duration = withStatus.map { registry.trend(metrics.grpcReqDuration, $0) }
        requests = withStatus.map { registry.counter(metrics.grpcReqs, $0) }
        failed = withStatus.map { registry.rate(metrics.grpcReqFailed, $0) }
        streams = registry.counter(metrics.grpcStreams, tags)
        messagesSent = registry.counter(metrics.grpcStreamsMsgsSent, tags)
        messagesReceived = registry.counter(metrics.grpcStreamsMsgsReceived, tags)
        self.tags = tags
    }

    /// k6's call tags for `path` (`/pkg.Service/Method`) on a connection to `address` (`host:port`).
    public static func callTags(
        address: String, path: String, scenario: String = "default", group: GroupPath = .root, extra: TagSet = .empty
    ) -> TagSet {
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let parts = trimmed.split(separator: "/", maxSplits: 1)
        var tags = TagSet()
        tags.set("url", address + "/" + trimmed)
        tags.set("name", "/" + trimmed)
        if parts.count == 2 {
            tags.set("service", String(parts[0]))
            tags.set("method", String(parts[1]))
        }
        tags.set("scenario", scenario)
        tags.set("group", group.path)
        return tags.merging(extra)
    }
}
