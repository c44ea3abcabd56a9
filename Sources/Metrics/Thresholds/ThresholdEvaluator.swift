import Synchronization

/// Evaluates thresholds against the registry: periodically while the run goes (the runner ticks it,
/// every 2 s like k6) and once at the end. A failing `abortOnFail` threshold calls `onAbort` once, after
/// its `delayAbortEval`.
public final class ThresholdEvaluator: Sendable {
    /// The thresholds, resolved against the registry's metrics.
    public let sets: [ThresholdSet]
    private let metrics: [Metric]
    private let registry: MetricsRegistry
    private let onAbort: @Sendable (ThresholdAbort) -> Void
    private let state = Mutex<(aborted: Bool, last: ThresholdVerdict?)>((false, nil))

    /// Validates `sets` against `registry` (unknown metrics and unsupported aggregations are errors at
    /// start-up, as in k6) and prepares evaluation.
    public init(
        registry: MetricsRegistry, sets: [ThresholdSet],
        onAbort: @escaping @Sendable (ThresholdAbort) -> Void = { _ in }
    ) throws {
        self.registry = registry
        self.sets = sets
        self.onAbort = onAbort
        metrics = try sets.map { try Self.validate($0, in: registry) }
    }

    /// Checks that the set's metric exists and supports every aggregation used; returns the metric.
    public static func validate(_ set: ThresholdSet, in registry: MetricsRegistry) throws -> Metric {
        let name = set.selector.name
        guard let metric = registry.metric(named: name) else {
            let known = registry.metrics.map(\.name).sorted().joined(separator: ", ")
            throw MetricsError(
                .unknownMetric,
                "invalid threshold on '\(set.selector.key)': no metric named '\(name)'; known metrics are \(known)")
        }
        for definition in set.definitions where !definition.expression.aggregation.isSupported(by: metric.type) {
            throw MetricsError(
                .unsupportedAggregation,
                "invalid threshold '\(definition.source)' on '\(set.selector.key)': \(metric.name) is a"
                    + " \(metric.type.rawValue), which does not support '\(definition.expression.aggregation.token)';"
                    + " use \(metric.type.aggregationNames.joined(separator: ", "))")
        }
        return metric
    }

    /// Whether `onAbort` was called.
    public var hasAborted: Bool { state.withLock { $0.aborted } }

    /// The last evaluation's verdict, if any.
    public var lastVerdict: ThresholdVerdict? { state.withLock { $0.last } }

    /// A periodic evaluation at `elapsed` into the run. Metrics without samples yet are skipped (as k6
    /// does while running); a failing `abortOnFail` threshold past its delay triggers `onAbort` once.
    @discardableResult
    public func tick(elapsed: Duration) -> ThresholdVerdict {
        let snapshot = registry.snapshot()
        var results: [ThresholdResult] = []
        var abortingMetrics: [String] = []
        for (set, metric) in zip(sets, metrics) {
            let aggregate = snapshot.aggregate(metric, matching: set.selector.tags)
            if aggregate.isEmpty { continue }
            for definition in set.definitions {
                let result = Self.evaluate(definition, on: aggregate, selector: set.selector, elapsed: elapsed)
                results.append(result)
                if !result.ok, definition.abortOnFail, definition.delayAbortEval.map({ $0 < elapsed }) ?? true {
                    abortingMetrics.append(set.selector.key)
                }
            }
        }
        let verdict = ThresholdVerdict(results: results)
        let shouldAbort = state.withLock { state in
            state.last = verdict
            guard !abortingMetrics.isEmpty, !state.aborted else { return false }
            state.aborted = true
            return true
        }
        if shouldAbort { onAbort(ThresholdAbort(failedMetrics: verdict.failedMetrics)) }
        return verdict
    }

    /// The final evaluation over everything flushed, including metrics without samples.
    public func finish(elapsed: Duration) -> ThresholdVerdict {
        finish(snapshot: registry.snapshot(), elapsed: elapsed)
    }

    /// The final evaluation over a given snapshot.
    public func finish(snapshot: MetricsSnapshot, elapsed: Duration) -> ThresholdVerdict {
        var results: [ThresholdResult] = []
        for (set, metric) in zip(sets, metrics) {
            let aggregate = snapshot.aggregate(metric, matching: set.selector.tags)
            for definition in set.definitions {
                results.append(Self.evaluate(definition, on: aggregate, selector: set.selector, elapsed: elapsed))
            }
        }
        let verdict = ThresholdVerdict(results: results)
        state.withLock { $0.last = verdict }
        return verdict
    }

    /// Evaluates one threshold on an aggregate; `elapsed` gives counters their per-second rate.
    public static func evaluate(
        _ definition: ThresholdDefinition, on aggregate: MetricAggregate, selector: MetricSelector, elapsed: Duration
    ) -> ThresholdResult {
        // k6 v1.1.0 has no `rate` for a rate metric without samples: evaluating the threshold is an error it
        // logs and skips, so the threshold passes whatever it says (`checks: ['rate==1']` with no check run)
        // and the summary shows `rate=0.00%`.
        if case .rate(let rate) = aggregate, rate.total == 0 {
            return ThresholdResult(selector: selector, source: definition.source, ok: true, observed: 0)
        }
        let observed = value(of: definition.expression.aggregation, in: aggregate, elapsed: elapsed)
        return ThresholdResult(
            selector: selector, source: definition.source, ok: definition.expression.holds(for: observed),
            observed: observed)
    }

    /// k6's reduction of an aggregate: trends give 0 when empty, a rate without samples gives NaN (``evaluate``
    /// passes its thresholds, as k6 does), a counter's rate is per second of `elapsed`.
    public static func value(of aggregation: ThresholdAggregation, in aggregate: MetricAggregate, elapsed: Duration)
        -> Double
    {
        switch (aggregation, aggregate) {
        case (.count, .counter(let counter)): return Double(counter.value)
        case (.rate, .counter(let counter)): return Double(counter.value) / elapsed.seconds
        case (.value, .gauge(let gauge)): return gauge.value
        case (.rate, .rate(let rate)): return Double(rate.trues) / Double(rate.total)
        case (.avg, .trend(let trend)): return trend.avg
        case (.min, .trend(let trend)): return trend.min
        case (.max, .trend(let trend)): return trend.max
        case (.med, .trend(let trend)): return trend.med
        case (.percentile(let p), .trend(let trend)): return trend.percentile(p / 100)
        default: return .nan
        }
    }
}

extension Duration {
    /// The duration in seconds as a double, computed like Go's `float64(d) / float64(time.Second)` so rates
    /// come out bit for bit as k6's.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole &* 1_000_000_000 &+ attoseconds / 1_000_000_000) / 1e9
    }

    /// The duration in nanoseconds, clamped to `Int64`.
    public var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).overflow
            ? .max : scaled + attoseconds / 1_000_000_000
    }
}
