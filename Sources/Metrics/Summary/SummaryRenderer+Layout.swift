extension SummaryRenderer {
    /// A metric as the renderer sees it: its name (with the filter for sub-metrics) and k6's values.
    struct RenderedMetric {
        var name: String
        var type: MetricType
        var contains: ValueKind
        var values: [String: Double]
        var thresholds: [SummaryMetric.Threshold] = []

        init(name: String, type: MetricType, contains: ValueKind, values: [String: Double]) {
            self.name = name
            self.type = type
            self.contains = contains
            self.values = values
        }

        init(_ metric: SummaryData.MetricValues) {
            name = metric.name
            type = metric.type
            contains = metric.contains
            values = metric.values
            thresholds = metric.thresholds
        }

        var parentName: String { String(name.prefix { $0 != "{" }) }
        var isSubmetric: Bool { name.contains("{") }

        /// A trend statistic that is not a column (a threshold's `p(99)`), humanised; k6 prints
        /// "undefined" when it has no such value.
        func trendValueText(_ stat: String, options: SummaryOptions) -> String {
            guard let value = values[stat] else { return "undefined" }
            if stat == "count" { return JSNumber.string(value) }
            return Humanize.value(value, type: type, contains: contains, timeUnit: options.summaryTimeUnit)
        }
    }

    /// Column widths and pre-formatted values for one block of metric lines (k6's `computeSummaryInfo`).
    struct LayoutInfo {
        var maxNameWidth = 0
        var mainValues: [String: String] = [:]
        var extras: [String: [String]] = [:]
        var maxMainWidth = 0
        var extraWidths: [Int] = []
        var trendColumns: [String: [String]] = [:]
        var trendColumnWidths: [Int]

        init(_ metrics: [RenderedMetric], level: Int, options: SummaryOptions) {
            trendColumnWidths = Array(repeating: 0, count: options.summaryTrendStats.count)
            let indentWidth = (level + 1) * 2
            for metric in metrics {
                // k6 measures `name + displayName(name)`: each plain name counts twice.
                maxNameWidth = max(
                    maxNameWidth,
                    indentWidth + SummaryRenderer.width(metric.name)
                        + SummaryRenderer.width(SummaryRenderer.displayName(metric.name)))
                if metric.type == .trend {
                    let columns = options.summaryTrendStats.map { stat -> String in
                        let value = metric.values[stat] ?? .nan
                        if stat == "count" { return JSNumber.string(value) }
                        return Humanize.value(
                            value, type: .trend, contains: metric.contains, timeUnit: options.summaryTimeUnit)
                    }
                    for (index, column) in columns.enumerated() {
                        trendColumnWidths[index] = max(trendColumnWidths[index], SummaryRenderer.width(column))
                    }
                    trendColumns[metric.name] = columns
                } else {
                    let parts = Self.nonTrendValues(metric, timeUnit: options.summaryTimeUnit)
                    mainValues[metric.name] = parts[0]
                    maxMainWidth = max(maxMainWidth, SummaryRenderer.width(parts[0]))
                    let rest = Array(parts.dropFirst())
                    extras[metric.name] = rest
                    for (index, extra) in rest.enumerated() {
                        if index >= extraWidths.count { extraWidths.append(0) }
                        extraWidths[index] = max(extraWidths[index], SummaryRenderer.width(extra))
                    }
                }
            }
        }

        static func nonTrendValues(_ metric: RenderedMetric, timeUnit: String?) -> [String] {
            func human(_ key: String) -> String {
                Humanize.value(
                    metric.values[key] ?? .nan, type: metric.type, contains: metric.contains, timeUnit: timeUnit)
            }
            switch metric.type {
            case .counter: return [human("count"), human("rate") + "/s"]
            case .gauge: return [human("value"), "min=" + human("min"), "max=" + human("max")]
            case .rate:
                let passes = metric.values["passes"] ?? 0
                let fails = metric.values["fails"] ?? 0
                return [human("rate"), "\(JSNumber.string(passes)) out of \(JSNumber.string(passes + fails))"]
            case .trend: return ["[no data]"]
            }
        }
    }

    /// k6's order: by parent metric name, then sub-metric filter, comparing like `localeCompare`.
    static func sorted(_ metrics: [RenderedMetric]) -> [RenderedMetric] {
        metrics.sorted { lhs, rhs in
            let left = lhs.parentName
            let right = rhs.parentName
            if left != right { return CollationKey(left) < CollationKey(right) }
            return CollationKey(String(lhs.name.dropFirst(left.count)))
                < CollationKey(String(rhs.name.dropFirst(right.count)))
        }
    }

    enum Color: String {
        case green = "32"
        case red = "31"
        case white = "37"
        case cyan = "36"
    }

    func color(_ text: String, _ color: Color, faint: Bool = false) -> String {
        guard !options.noColor else { return text }
        return "\u{1B}[" + (faint ? "2;" : "") + color.rawValue + "m" + text + "\u{1B}[0m"
    }

    func bold(_ text: String) -> String {
        guard !options.noColor else { return text }
        return "\u{1B}[1m" + text + "\u{1B}[0m"
    }
}

/// An approximation of Unicode root collation (what JavaScript's `localeCompare` uses) for metric names:
/// punctuation before digits before letters, letters compared case-insensitively first.
struct CollationKey: Comparable {
    let primary: [UInt32]
    let tertiary: [UInt32]

    init(_ text: String) {
        var primary: [UInt32] = []
        var tertiary: [UInt32] = []
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch scalar {
            case "a"..."z":
                primary.append(0x3000 + value)
                tertiary.append(0)
            case "A"..."Z":
                primary.append(0x3000 + value + 32)
                tertiary.append(1)
            case "0"..."9":
                primary.append(0x2000 + value)
                tertiary.append(0)
            default:
                primary.append(value < 0x80 ? 0x1000 + value : 0x4000 + value)
                tertiary.append(0)
            }
        }
        self.primary = primary
        self.tertiary = tertiary
    }

    static func < (lhs: CollationKey, rhs: CollationKey) -> Bool {
        if lhs.primary != rhs.primary { return lhs.primary.lexicographicallyPrecedes(rhs.primary) }
        return lhs.tertiary.lexicographicallyPrecedes(rhs.tertiary)
    }
}
