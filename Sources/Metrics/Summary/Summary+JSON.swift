extension Summary {
    /// The summary as JSON in k6's `handleSummary` data shape (`metrics[name] = {type, contains, values,
    /// thresholds}`, `root_group`, `options`, `state`), with each metric's exact state under `raw` so
    /// `Summary.decode` and `merge` can rebuild it.
    public func jsonText(pretty: Bool = true) -> String {
        var writer = JSONWriter(numberStyle: .javaScript, capacity: 4096)
        if pretty {
            writer.pretty(jsonValue)
            writer.raw(UInt8(ascii: "\n"))
        } else {
            writer.value(jsonValue)
        }
        return writer.text
    }

    var jsonValue: JSONValue {
        let metricMembers = metrics.keys.sorted().map { key in
            (key: key, value: Self.json(metrics[key]!, options: options, duration: testRunDuration))
        }
        return .object([
            ("root_group", Self.json(rootGroup)),
            (
                "options",
                .object([
                    ("summaryTrendStats", .array(options.summaryTrendStats.map { .string($0) })),
                    ("summaryTimeUnit", .string(options.summaryTimeUnit ?? "")),
                    ("noColor", .bool(options.noColor)),
                ])
            ),
            (
                "state",
                .object([
                    ("isStdOutTTY", .bool(isStdOutTTY)),
                    ("isStdErrTTY", .bool(isStdErrTTY)),
                    ("testRunDurationMs", number(testRunDuration.seconds * 1000)),
                ])
            ),
            ("metrics", .object(metricMembers)),
        ])
    }

    static func json(_ metric: SummaryMetric, options: SummaryOptions, duration: Duration) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string(metric.type.rawValue)),
            ("contains", .string(metric.contains.rawValue)),
            ("values", .object(metric.values(options: options, duration: duration).map { ($0.key, number($0.value)) })),
        ]
        if !metric.thresholds.isEmpty {
            members.append(
                ("thresholds", .object(metric.thresholds.map { ($0.source, .object([("ok", .bool($0.ok))])) })))
        }
        members.append(("raw", raw(metric.aggregate)))
        return .object(members)
    }

    static func raw(_ aggregate: MetricAggregate) -> JSONValue {
        switch aggregate {
        case .counter(let counter):
            return .object([("value", integer(counter.value)), ("samples", integer(counter.samples))])
        case .gauge(let gauge):
            return .object([
                ("value", number(gauge.value)), ("min", number(gauge.min)), ("max", number(gauge.max)),
                ("samples", integer(gauge.samples)),
            ])
        case .rate(let rate):
            return .object([("trues", integer(rate.trues)), ("total", integer(rate.total))])
        case .trend(let trend):
            return .object([
                ("unit", .string("1e-6")),
                ("count", integer(trend.count)), ("sum", integer(trend.sum)),
                ("min", integer(trend.minimum)), ("max", integer(trend.maximum)),
                ("histogram", .string(trend.encodedHistogram)),
            ])
        }
    }

    static func json(_ group: SummaryGroup) -> JSONValue {
        .object([
            ("name", .string(group.name)),
            ("path", .string(group.path)),
            ("id", .string(group.id)),
            ("groups", .array(group.groups.map(json))),
            (
                "checks",
                .array(
                    group.checks.map { check in
                        .object([
                            ("name", .string(check.name)), ("path", .string(check.path)), ("id", .string(check.id)),
                            ("passes", number(Double(check.passes))), ("fails", number(Double(check.fails))),
                        ])
                    })
            ),
        ])
    }

    private static func number(_ value: Double) -> JSONValue {
        .number(value, JSNumber.string(value.isFinite ? value : 0))
    }

    private func number(_ value: Double) -> JSONValue { Self.number(value) }

    /// Exact integers are written as strings: JSON numbers lose precision past 2^53.
    private static func integer<T: BinaryInteger>(_ value: T) -> JSONValue { .string(String(value)) }
}
