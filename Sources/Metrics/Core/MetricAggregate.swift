/// The merged state of a metric or sub-metric: what thresholds, summaries and exporters read.
public enum MetricAggregate: Sendable, Equatable {
    /// A counter's sum.
    case counter(CounterAccumulator)
    /// A gauge's value, min and max.
    case gauge(GaugeAccumulator)
    /// A rate's passes and total.
    case rate(RateAccumulator)
    /// A trend's distribution.
    case trend(TrendAccumulator)

    /// An empty aggregate of `type`.
    public init(empty type: MetricType) {
        switch type {
        case .counter: self = .counter(CounterAccumulator())
        case .gauge: self = .gauge(GaugeAccumulator())
        case .rate: self = .rate(RateAccumulator())
        case .trend: self = .trend(TrendAccumulator())
        }
    }

    /// The metric type this aggregate belongs to.
    public var type: MetricType {
        switch self {
        case .counter: .counter
        case .gauge: .gauge
        case .rate: .rate
        case .trend: .trend
        }
    }

    /// Whether no sample contributed.
    public var isEmpty: Bool {
        switch self {
        case .counter(let counter): counter.isEmpty
        case .gauge(let gauge): gauge.isEmpty
        case .rate(let rate): rate.isEmpty
        case .trend(let trend): trend.isEmpty
        }
    }

    /// Adds `other` (same type) exactly; a type mismatch is an error naming `metric`.
    public mutating func merge(_ other: MetricAggregate, metric: String) throws {
        switch (self, other) {
        case (.counter(var mine), .counter(let theirs)):
            mine.merge(theirs)
            self = .counter(mine)
        case (.gauge(var mine), .gauge(let theirs)):
            mine.merge(theirs)
            self = .gauge(mine)
        case (.rate(var mine), .rate(let theirs)):
            mine.merge(theirs)
            self = .rate(mine)
        case (.trend(var mine), .trend(let theirs)):
            mine.merge(theirs)
            self = .trend(mine)
        default:
            throw MetricsError(
                .invalidSummary,
                "metric '\(metric)' is a \(type.rawValue) in one summary and a \(other.type.rawValue) in another;"
                    + " only summaries of the same kind of run can be merged")
        }
    }
}
