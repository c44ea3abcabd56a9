extension MetricsSink {
    /// Runs k6's `check(value, {name: predicate, ...})`: one `checks` sample per predicate, tagged
    /// `check=<name>` and with the group's path, and `true` only if every predicate passed. It does not
    /// throw or stop on a failure. Names are resolved through the registry on each call (a lock and a
    /// hash): for checks on a hot path, resolve them once with `MetricsRegistry.check` and use `record`.
    @discardableResult
    public func check<Value>(
        _ value: Value, _ predicates: KeyValuePairs<String, (Value) -> Bool>, group: GroupPath = .root,
        tags: TagSet = .empty, at time: Int64? = nil
    ) throws -> Bool {
        var allPassed = true
        for (name, predicate) in predicates {
            let series = try registry.check(name, group: group, tags: tags)
            let passed = predicate(value)
            add(series, passed, at: time)
            allPassed = allPassed && passed
        }
        return allPassed
    }

    /// Records the outcome of a pre-resolved check (see `MetricsRegistry.check`).
    @inlinable
    public func record(check series: RateSeries, passed: Bool, at time: Int64? = nil) {
        add(series, passed, at: time)
    }
}
