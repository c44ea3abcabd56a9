/// The metrics every run defines, under k6's names and types, plus `grpc_reqs` and `grpc_req_failed`
/// (k6 issues #1781 and #3164: a request count and a failure rate for gRPC, like HTTP has).
public struct BuiltinMetrics: Sendable {
    /// Trend (time): duration of each unary call or whole stream; tags: call tags plus `status`.
    public let grpcReqDuration: Metric
    /// Counter: every finished unary call or stream; tags: call tags plus `status`.
    public let grpcReqs: Metric
    /// Rate: 1 for each call or stream that ended with a non-OK status; tags: call tags plus `status`.
    public let grpcReqFailed: Metric
    /// Counter: streams started; tags: call tags (no status).
    public let grpcStreams: Metric
    /// Counter: messages sent on streams; tags: call tags (no status).
    public let grpcStreamsMsgsSent: Metric
    /// Counter: messages received on streams; tags: call tags (no status).
    public let grpcStreamsMsgsReceived: Metric
    /// Counter (data): bytes written to the network.
    public let dataSent: Metric
    /// Counter (data): bytes read from the network.
    public let dataReceived: Metric
    /// Counter: completed iterations.
    public let iterations: Metric
    /// Trend (time): duration of each completed iteration.
    public let iterationDuration: Metric
    /// Counter: iterations that could not start (no free VU) or were cut by a max duration.
    public let droppedIterations: Metric
    /// Gauge: active virtual users.
    public let vus: Metric
    /// Gauge: allocated virtual users.
    public let vusMax: Metric
    /// Rate: one sample per check, tagged `check=<name>`.
    public let checks: Metric
    /// Trend (time): duration of each group, tagged with the group's path.
    public let groupDuration: Metric

    static func define(in state: inout RegistryState) -> BuiltinMetrics {
        func add(_ name: String, _ type: MetricType, _ contains: ValueKind = .default) -> Metric {
            MetricsRegistry.add(name, type, contains, to: &state)
        }
        return BuiltinMetrics(
            grpcReqDuration: add("grpc_req_duration", .trend, .time),
            grpcReqs: add("grpc_reqs", .counter),
            grpcReqFailed: add("grpc_req_failed", .rate),
            grpcStreams: add("grpc_streams", .counter),
            grpcStreamsMsgsSent: add("grpc_streams_msgs_sent", .counter),
            grpcStreamsMsgsReceived: add("grpc_streams_msgs_received", .counter),
            dataSent: add("data_sent", .counter, .data),
            dataReceived: add("data_received", .counter, .data),
            iterations: add("iterations", .counter),
            iterationDuration: add("iteration_duration", .trend, .time),
            droppedIterations: add("dropped_iterations", .counter),
            vus: add("vus", .gauge),
            vusMax: add("vus_max", .gauge),
            checks: add("checks", .rate),
            groupDuration: add("group_duration", .trend, .time))
    }
}
