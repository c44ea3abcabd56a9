/// k6's four metric types; the raw value is k6's name for the type (`"trend"`, ...).
public enum MetricType: String, Sendable, Hashable, CaseIterable {
    /// A running sum (`count`, and `rate` per second over the run).
    case counter
    /// The last value set, with its minimum and maximum.
    case gauge
    /// The share of non-zero samples (checks, failures).
    case rate
    /// A distribution: avg, min, med, max and percentiles.
    case trend

    /// The threshold aggregations k6 accepts for this type, in k6's order.
    public var aggregationNames: [String] {
        switch self {
        case .counter: ["count", "rate"]
        case .gauge: ["value"]
        case .rate: ["rate"]
        case .trend: ["avg", "min", "med", "max", "p(N)"]
        }
    }
}
