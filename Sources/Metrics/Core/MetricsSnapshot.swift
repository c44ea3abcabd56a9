/// A consistent copy of the registry's series and totals at one moment.
public struct MetricsSnapshot: Sendable {
    /// A series and its totals.
    public struct Entry<Accumulator: Sendable>: Sendable {
        /// What the series is.
        public var info: SeriesInfo
        /// Its totals so far.
        public var totals: Accumulator
    }

    /// Every defined metric, in definition order.
    public var metrics: [Metric]
    /// Counter series.
    public var counters: [Entry<CounterAccumulator>]
    /// Gauge series.
    public var gauges: [Entry<GaugeAccumulator>]
    /// Rate series.
    public var rates: [Entry<RateAccumulator>]
    /// Trend series.
    public var trends: [Entry<TrendAccumulator>]

    init(
        metrics: [Metric], counters: [(SeriesInfo, CounterAccumulator)], gauges: [(SeriesInfo, GaugeAccumulator)],
        rates: [(SeriesInfo, RateAccumulator)], trends: [(SeriesInfo, TrendAccumulator)]
    ) {
        self.metrics = metrics
        self.counters = counters.map { Entry(info: $0.0, totals: $0.1) }
        self.gauges = gauges.map { Entry(info: $0.0, totals: $0.1) }
        self.rates = rates.map { Entry(info: $0.0, totals: $0.1) }
        self.trends = trends.map { Entry(info: $0.0, totals: $0.1) }
    }

    /// The merge of every series of `metric` whose tags contain `filter` (the whole metric when empty).
    public func aggregate(_ metric: Metric, matching filter: TagSet = .empty) -> MetricAggregate {
        func matches(_ info: SeriesInfo) -> Bool { info.metric == metric && info.tags.contains(filter) }
        switch metric.type {
        case .counter:
            var total = CounterAccumulator()
            for entry in counters where matches(entry.info) { total.merge(entry.totals) }
            return .counter(total)
        case .gauge:
            var total = GaugeAccumulator()
            for entry in gauges where matches(entry.info) { total.merge(entry.totals) }
            return .gauge(total)
        case .rate:
            var total = RateAccumulator()
            for entry in rates where matches(entry.info) { total.merge(entry.totals) }
            return .rate(total)
        case .trend:
            var total = TrendAccumulator()
            for entry in trends where matches(entry.info) { total.merge(entry.totals) }
            return .trend(total)
        }
    }

    /// The metric called `name`, if defined.
    public func metric(named name: String) -> Metric? {
        metrics.first { $0.name == name }
    }

    /// Metrics that received at least one sample, in definition order.
    public var observedMetrics: [Metric] {
        var seen = Set<Int32>()
        for entry in counters where !entry.totals.isEmpty { seen.insert(entry.info.metric.id) }
        for entry in gauges where !entry.totals.isEmpty { seen.insert(entry.info.metric.id) }
        for entry in rates where !entry.totals.isEmpty { seen.insert(entry.info.metric.id) }
        for entry in trends where !entry.totals.isEmpty { seen.insert(entry.info.metric.id) }
        return metrics.filter { seen.contains($0.id) }
    }
}
