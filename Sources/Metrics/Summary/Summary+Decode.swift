import Histogram

extension Summary {
    /// Reads a summary written by `jsonText()`; `source` names the file in errors.
    public static func decode(_ text: String, source: String) throws -> Summary {
        let document = try JSONParser.parse(text, context: source)
        func fail(_ reason: String) -> MetricsError {
            MetricsError(.invalidSummary, "\(source): \(reason)")
        }
        guard let metricMembers = document["metrics"]?.objectMembers else {
            throw fail("no \"metrics\" object; is this a summary written by reprise (--summary-export)?")
        }
        var metrics: [String: SummaryMetric] = [:]
        for (key, value) in metricMembers {
            metrics[key] = try decodeMetric(value, key: key, fail: fail)
        }
        var options = SummaryOptions()
        if let stats = document["options"]?["summaryTrendStats"]?.arrayElements {
            options.summaryTrendStats = stats.compactMap(\.stringValue)
        }
        if let unit = document["options"]?["summaryTimeUnit"]?.stringValue, !unit.isEmpty {
            options.summaryTimeUnit = unit
        }
        options.noColor = document["options"]?["noColor"]?.boolValue ?? true
        guard let milliseconds = document["state"]?["testRunDurationMs"]?.doubleValue else {
            throw fail("no state.testRunDurationMs")
        }
        let rootGroup = try document["root_group"].map { try decodeGroup($0, fail: fail) } ?? SummaryGroup(path: .root)
        return Summary(
            metrics: metrics, rootGroup: rootGroup, options: options,
            testRunDuration: .nanoseconds(Int64((milliseconds * 1_000_000).rounded())))
    }

    private static func decodeMetric(
        _ value: JSONValue, key: String, fail: (String) -> MetricsError
    ) throws -> SummaryMetric {
        // k6's own summaries (its --summary-export, or handleSummary's data) have no state to merge, and
        // the older shape has no type either: say that, not which key is missing.
        guard let raw = value["raw"] else {
            throw fail(
                "metric '\(key)' has no \"raw\" state; only summaries written by reprise can be merged exactly"
                    + " (k6's own summaries keep percentiles, not histograms)")
        }
        guard let type = value["type"]?.stringValue.flatMap(MetricType.init(rawValue:)),
            let contains = value["contains"]?.stringValue.flatMap(ValueKind.init(rawValue:))
        else { throw fail("metric '\(key)' has no valid \"type\" and \"contains\"") }
        func integer<T: FixedWidthInteger>(_ name: String, _: T.Type = T.self) throws -> T {
            guard let text = raw[name]?.stringValue, let parsed = T(text) else {
                throw fail("metric '\(key)': raw.\(name) is missing or not an integer string")
            }
            return parsed
        }
        func double(_ name: String) throws -> Double {
            guard let parsed = raw[name]?.doubleValue else { throw fail("metric '\(key)': raw.\(name) is missing") }
            return parsed
        }
        let aggregate: MetricAggregate
        switch type {
        case .counter:
            aggregate = .counter(CounterAccumulator(value: try integer("value"), samples: try integer("samples")))
        case .gauge:
            aggregate = .gauge(
                GaugeAccumulator(
                    value: try double("value"), min: try double("min"), max: try double("max"),
                    samples: try integer("samples")))
        case .rate:
            aggregate = .rate(RateAccumulator(trues: try integer("trues"), total: try integer("total")))
        case .trend:
            guard raw["unit"]?.stringValue == "1e-6" else { throw fail("metric '\(key)': unknown raw.unit") }
            let count: UInt64 = try integer("count")
            guard let encoded = raw["histogram"]?.stringValue,
                let histogram = TrendAccumulator.decodeHistogram(encoded), histogram.totalCount == count
            else { throw fail("metric '\(key)': raw.histogram is malformed or does not hold raw.count values") }
            aggregate = .trend(
                TrendAccumulator(
                    count: count, sum: try integer("sum"), minimum: try integer("min"), maximum: try integer("max"),
                    histogram: histogram))
        }
        var thresholds: [SummaryMetric.Threshold] = []
        for (source, outcome) in value["thresholds"]?.objectMembers ?? [] {
            thresholds.append(.init(source: source, ok: outcome["ok"]?.boolValue ?? false))
        }
        return SummaryMetric(type: type, contains: contains, aggregate: aggregate, thresholds: thresholds)
    }

    private static func decodeGroup(_ value: JSONValue, fail: (String) -> MetricsError) throws -> SummaryGroup {
        guard let path = value["path"]?.stringValue, let group = try? GroupPath(path: path) else {
            throw fail("a group in root_group has no valid path")
        }
        var result = SummaryGroup(path: group)
        for check in value["checks"]?.arrayElements ?? [] {
            guard let name = check["name"]?.stringValue, let passes = check["passes"]?.doubleValue,
                let fails = check["fails"]?.doubleValue
            else { throw fail("a check in group '\(path)' lacks name, passes or fails") }
            result.checks.append(
                .init(name: name, path: path + "::" + name, passes: UInt64(passes), fails: UInt64(fails)))
        }
        result.groups = try (value["groups"]?.arrayElements ?? []).map { try decodeGroup($0, fail: fail) }
        return result
    }
}
