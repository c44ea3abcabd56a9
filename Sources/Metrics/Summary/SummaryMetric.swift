/// One metric (or sub-metric) of a summary: what it is, its exact merged state, and its thresholds.
public struct SummaryMetric: Sendable, Equatable {
    /// One threshold's final outcome.
    public struct Threshold: Sendable, Equatable {
        /// The expression as written.
        public var source: String
        /// Whether it held.
        public var ok: Bool
    }

    /// Counter, gauge, rate or trend.
    public var type: MetricType
    /// Plain, time or data.
    public var contains: ValueKind
    /// The exact state: summing these across processes gives the state of the whole run.
    public var aggregate: MetricAggregate
    /// Thresholds on this metric or sub-metric, in definition order (empty when none).
    public var thresholds: [Threshold]

    /// Creates a metric entry.
    public init(type: MetricType, contains: ValueKind, aggregate: MetricAggregate, thresholds: [Threshold] = []) {
        self.type = type
        self.contains = contains
        self.aggregate = aggregate
        self.thresholds = thresholds
    }

    /// k6's `values` for this metric: count and rate (counter); value, min, max (gauge); rate, passes,
    /// fails (rate); the trend stats (trend). `duration` gives counters their rate.
    public func values(options: SummaryOptions, duration: Duration) -> [(key: String, value: Double)] {
        switch aggregate {
        case .counter(let counter):
            let count = Double(counter.value)
            return [("count", count), ("rate", duration == .zero ? 0 : count / duration.seconds)]
        case .gauge(let gauge):
            return [("value", gauge.value), ("min", gauge.min), ("max", gauge.max)]
        case .rate(let rate):
            return [("rate", rate.rate), ("passes", Double(rate.trues)), ("fails", Double(rate.total - rate.trues))]
        case .trend(let trend):
            return options.summaryTrendStats.compactMap { stat in
                TrendStat(stat).map { (stat, $0.value(trend)) }
            }
        }
    }
}
