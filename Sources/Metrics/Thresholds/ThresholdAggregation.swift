/// The left-hand side of a threshold: how a metric is reduced to one number.
public enum ThresholdAggregation: Hashable, Sendable, CustomStringConvertible {
    /// Trend mean.
    case avg
    /// Trend minimum.
    case min
    /// Trend maximum.
    case max
    /// Trend median (`p(50)`).
    case med
    /// Trend percentile, 0...100.
    case percentile(Double)
    /// Counter sum.
    case count
    /// Counter per second over the run, or a rate's share of non-zero samples.
    case rate
    /// Gauge's last value.
    case value

    /// k6's spelling (`p(99.9)`, `avg`), which is also the key in summary `values`.
    public var description: String {
        switch self {
        case .avg: "avg"
        case .min: "min"
        case .max: "max"
        case .med: "med"
        case .percentile(let p): "p(\(JSNumber.string(p)))"
        case .count: "count"
        case .rate: "rate"
        case .value: "value"
        }
    }

    /// The bare token k6 uses in its messages (`p` for percentiles).
    var token: String {
        if case .percentile = self { return "p" }
        return description
    }

    /// Whether a metric of `type` can be reduced this way.
    public func isSupported(by type: MetricType) -> Bool {
        switch (self, type) {
        case (.count, .counter), (.rate, .counter): true
        case (.value, .gauge): true
        case (.rate, .rate): true
        case (.avg, .trend), (.min, .trend), (.max, .trend), (.med, .trend), (.percentile, .trend): true
        default: false
        }
    }
}
