/// The numbers the end-of-test text is made of: k6's `handleSummary` data without the exact state.
/// `Summary.data` derives it; tests build it from k6's own numbers to compare layouts.
public struct SummaryData: Sendable, Equatable {
    /// One metric or sub-metric with k6's values.
    public struct MetricValues: Sendable, Equatable {
        /// The name as written (`grpc_req_duration{method:Get}` for a sub-metric).
        public var name: String
        /// Counter, gauge, rate or trend.
        public var type: MetricType
        /// Plain, time or data.
        public var contains: ValueKind
        /// k6's values (`count`, `rate`, `avg`, `p(95)`, ...), plus any percentile a threshold uses.
        public var values: [String: Double]
        /// Thresholds on it, in definition order.
        public var thresholds: [SummaryMetric.Threshold]

        /// Creates a metric's values.
        public init(
            name: String, type: MetricType, contains: ValueKind, values: [String: Double],
            thresholds: [SummaryMetric.Threshold] = []
        ) {
            self.name = name
            self.type = type
            self.contains = contains
            self.values = values
            self.thresholds = thresholds
        }
    }

    /// Every metric and sub-metric, including `checks`.
    public var metrics: [MetricValues]
    /// The group tree with the checks.
    public var rootGroup: SummaryGroup
    /// How long the run lasted (for `checks_total`'s rate).
    public var testRunDuration: Duration

    /// Creates summary data.
    public init(metrics: [MetricValues], rootGroup: SummaryGroup, testRunDuration: Duration) {
        self.metrics = metrics
        self.rootGroup = rootGroup
        self.testRunDuration = testRunDuration
    }
}

extension Summary {
    /// The values to show: k6's per-type values, plus each trend threshold's percentile.
    public var data: SummaryData {
        let metricValues = metrics.map { key, metric in
            var values = Dictionary(
                metric.values(options: options, duration: testRunDuration).map { ($0.key, $0.value) },
                uniquingKeysWith: { $1 })
            if case .trend(let trend) = metric.aggregate {
                for threshold in metric.thresholds {
                    let label = SummaryRenderer.aggregationLabel(threshold.source)
                    if values[label] == nil, let stat = TrendStat(label) { values[label] = stat.value(trend) }
                }
            }
            return SummaryData.MetricValues(
                name: key, type: metric.type, contains: metric.contains, values: values, thresholds: metric.thresholds)
        }
        return SummaryData(metrics: metricValues, rootGroup: rootGroup, testRunDuration: testRunDuration)
    }
}
