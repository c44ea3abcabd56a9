extension MetricsSink {
    /// Records a finished unary call (or a finished stream): `grpc_req_duration`, `grpc_reqs`, and
    /// `grpc_req_failed` (failed when `status` is not OK), all tagged with the call tags and `status`.
    @inlinable
    public func recordCall(_ call: GRPCCallSeries, status: Int, nanoseconds: Int64, at time: Int64? = nil) {
        recordCall(call, status: status, nanoseconds: nanoseconds, failed: status != 0, at: time)
    }

    /// Records a finished call whose failure is decided by the caller: a replay counts a recorded error
    /// that comes back unchanged as expected, not failed (as k6 does for expected HTTP statuses).
    @inlinable
    public func recordCall(
        _ call: GRPCCallSeries, status: Int, nanoseconds: Int64, failed: Bool, at time: Int64? = nil
    ) {
        if status >= 0 && status < call.duration.count {
            add(call.duration[status], nanoseconds: nanoseconds, at: time)
            add(call.requests[status], 1, at: time)
            add(call.failed[status], failed, at: time)
        } else {
            recordUnusualStatus(call, status: status, nanoseconds: nanoseconds, at: time)
        }
    }

    @usableFromInline
    func recordUnusualStatus(_ call: GRPCCallSeries, status: Int, nanoseconds: Int64, at time: Int64?) {
        let tags = call.tags.adding("status", String(status))
        let metrics = registry.builtin
        add(registry.trend(metrics.grpcReqDuration, tags), nanoseconds: nanoseconds, at: time)
        add(registry.counter(metrics.grpcReqs, tags), 1, at: time)
        add(registry.rate(metrics.grpcReqFailed, tags), true, at: time)
    }
}
