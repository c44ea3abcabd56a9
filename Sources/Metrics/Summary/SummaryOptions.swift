/// How the summary shows values: k6's `summaryTrendStats`, `summaryTimeUnit` and `noColor`.
public struct SummaryOptions: Sendable, Equatable {
    /// The trend columns, k6's default `avg,min,med,max,p(90),p(95)`.
    public var summaryTrendStats: [String]
    /// A fixed unit for durations (`s`, `ms`, `us`), or `nil` to pick one per value like k6.
    public var summaryTimeUnit: String?
    /// Whether to leave out ANSI colours.
    public var noColor: Bool

    /// k6's defaults.
    public static let `default` = SummaryOptions()

    /// Creates options, checking the trend stats (`avg`, `min`, `med`, `max`, `count`, `p(N)`).
    public init(
        summaryTrendStats: [String] = ["avg", "min", "med", "max", "p(90)", "p(95)"], summaryTimeUnit: String? = nil,
        noColor: Bool = true
    ) {
        self.summaryTrendStats = summaryTrendStats
        self.summaryTimeUnit = summaryTimeUnit
        self.noColor = noColor
    }

    /// Parses `--summary-trend-stats avg,p(99)` style lists, rejecting unknown stats with a clear error.
    public static func parseTrendStats(_ text: String) throws -> [String] {
        let stats = text.split(separator: ",").map { String($0).trimmingSpaces }
        for stat in stats where TrendStat(stat) == nil {
            throw MetricsError(
                .invalidOption, "invalid trend stat '\(stat)': use avg, min, med, max, count or p(N) with 0 ≤ N ≤ 100")
        }
        return stats
    }
}

/// One trend column (`avg`, `p(99.9)`, `count`).
enum TrendStat {
    case aggregation(ThresholdAggregation)
    case count

    init?(_ text: String) {
        if text == "count" {
            self = .count
            return
        }
        guard let expression = try? ThresholdExpression.parse(text + "<0") else { return nil }
        guard expression.aggregation.isSupported(by: .trend) else { return nil }
        self = .aggregation(expression.aggregation)
    }

    func value(_ trend: TrendAccumulator) -> Double {
        switch self {
        case .count: Double(trend.count)
        case .aggregation(let aggregation):
            ThresholdEvaluator.value(of: aggregation, in: .trend(trend), elapsed: .seconds(1))
        }
    }
}
