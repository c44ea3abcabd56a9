extension Summary {
    /// Builds the summary of a run from a registry snapshot: every metric that received samples or has
    /// thresholds, each threshold's sub-metric, and the checks grouped by group path. Threshold outcomes
    /// come from `verdict` (the final evaluation); thresholds missing from it are evaluated here.
    public static func build(
        snapshot: MetricsSnapshot, thresholds: [ThresholdSet] = [], verdict: ThresholdVerdict? = nil,
        testRunDuration: Duration, options: SummaryOptions = .default
    ) -> Summary {
        var metrics: [String: SummaryMetric] = [:]
        var selected = snapshot.observedMetrics
        for set in thresholds {
            if let metric = snapshot.metric(named: set.selector.name), !selected.contains(metric) {
                selected.append(metric)
            }
        }
        for metric in selected {
            metrics[metric.name] = SummaryMetric(
                type: metric.type, contains: metric.contains, aggregate: snapshot.aggregate(metric))
        }
        for set in thresholds {
            guard let metric = snapshot.metric(named: set.selector.name) else { continue }
            let key = set.selector.key
            var entry =
                metrics[key]
                ?? SummaryMetric(
                    type: metric.type, contains: metric.contains,
                    aggregate: snapshot.aggregate(metric, matching: set.selector.tags))
            for definition in set.definitions {
                let ok =
                    verdict?.results.first { $0.selector.key == key && $0.source == definition.source }?.ok
                    ?? ThresholdEvaluator.evaluate(
                        definition, on: entry.aggregate, selector: set.selector, elapsed: testRunDuration
                    ).ok
                entry.thresholds.append(.init(source: definition.source, ok: ok))
            }
            metrics[key] = entry
        }
        return Summary(
            metrics: metrics, rootGroup: groups(in: snapshot), options: options, testRunDuration: testRunDuration)
    }

    /// The group tree: groups seen in `checks` and `group_duration` series, and each check's counts.
    static func groups(in snapshot: MetricsSnapshot) -> SummaryGroup {
        var root = SummaryGroup(path: .root)
        for entry in snapshot.trends where entry.info.metric.name == "group_duration" && !entry.totals.isEmpty {
            if let path = entry.info.tags["group"], let group = try? GroupPath(path: path), !group.isRoot {
                root.ensure(group)
            }
        }
        for entry in snapshot.rates where entry.info.metric.name == "checks" && !entry.totals.isEmpty {
            guard let name = entry.info.tags["check"] else { continue }
            let group = (try? GroupPath(path: entry.info.tags["group"] ?? "")) ?? .root
            let totals = entry.totals
            root.add(check: name, in: group, passes: totals.trues, fails: totals.total - totals.trues)
        }
        return root
    }
}
