extension Summary {
    /// Merges the summaries of processes that ran parts of one test (split across machines) into the
    /// summary of the whole: counters, rates, trends (histograms included) and checks add up exactly,
    /// gauges add (each process has its own VUs), the duration is the longest, and every threshold is
    /// evaluated again on the merged data.
    public static func merge(_ summaries: [Summary]) throws -> Summary {
        guard var merged = summaries.first else {
            throw MetricsError(.invalidSummary, "nothing to merge: give at least one summary file")
        }
        for summary in summaries.dropFirst() {
            for (key, metric) in summary.metrics {
                guard var mine = merged.metrics[key] else {
                    merged.metrics[key] = metric
                    continue
                }
                guard mine.contains == metric.contains else {
                    throw MetricsError(
                        .invalidSummary,
                        "metric '\(key)' holds \(mine.contains.rawValue) values in one summary and"
                            + " \(metric.contains.rawValue) values in another; these summaries are not of the same test"
                    )
                }
                try mine.aggregate.merge(metric.aggregate, metric: key)
                for threshold in metric.thresholds
                where !mine.thresholds.contains(where: { $0.source == threshold.source }) {
                    mine.thresholds.append(threshold)
                }
                merged.metrics[key] = mine
            }
            merged.rootGroup.merge(summary.rootGroup)
            merged.testRunDuration = max(merged.testRunDuration, summary.testRunDuration)
        }
        try merged.reevaluateThresholds()
        return merged
    }

    /// Evaluates every threshold again on the summary's own data.
    public mutating func reevaluateThresholds() throws {
        for (key, metric) in metrics where !metric.thresholds.isEmpty {
            let selector = try MetricSelector.parse(key)
            var updated = metric
            for index in updated.thresholds.indices {
                let definition = try ThresholdDefinition(updated.thresholds[index].source)
                updated.thresholds[index].ok =
                    ThresholdEvaluator.evaluate(
                        definition, on: metric.aggregate, selector: selector, elapsed: testRunDuration
                    ).ok
            }
            metrics[key] = updated
        }
    }
}
