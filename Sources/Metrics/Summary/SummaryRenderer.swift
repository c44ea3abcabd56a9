/// Renders a `Summary` as k6 v1's end-of-test summary (compact mode): a THRESHOLDS section with ✓/✗,
/// then TOTAL RESULTS with the checks and the metrics in sections (CUSTOM first, then EXECUTION,
/// NETWORK, GRPC, ...), names padded with dots so the colons line up. Layout rules, widths and number
/// formats follow k6 v1.1.0's summary code, including its quirks (name widths count each metric's name
/// twice), so the text lines up exactly like k6's for the same values.
public struct SummaryRenderer: Sendable {
    /// Trend columns, time unit and colours.
    public var options: SummaryOptions

    /// Creates a renderer.
    public init(options: SummaryOptions = .default) { self.options = options }

    /// The summary text, starting and ending with a blank line like k6's.
    public func render(_ summary: Summary) -> String {
        render(summary.data)
    }

    /// The summary text for given values (what `render(_: Summary)` shows).
    public func render(_ summary: SummaryData) -> String {
        var sections: [(title: String, content: [Item])] = []
        let thresholds = thresholdMetrics(summary)
        if !thresholds.isEmpty {
            sections.append(("THRESHOLDS", renderThresholds(thresholds, level: 1)))
        }
        sections.append(("TOTAL RESULTS", renderChecks(summary, level: 0) + renderMetrics(summary, level: 1)))
        var output = ""
        for section in sections {
            let items: [Item] = [.line(indent(0) + "█ " + bold(section.title) + " \n")] + section.content + [.blank]
            for item in items {
                switch item {
                case .blank: output += "\n"
                case .line(let text): output += "\n" + text
                }
            }
        }
        return output
    }

    enum Item: Equatable {
        case line(String)
        case blank
    }

    // MARK: Sections

    func thresholdMetrics(_ summary: SummaryData) -> [RenderedMetric] {
        summary.metrics.filter { !$0.thresholds.isEmpty }.map(RenderedMetric.init)
    }

    func renderThresholds(_ metrics: [RenderedMetric], level: Int) -> [Item] {
        let ordered = Self.sorted(metrics)
        let info = LayoutInfo(ordered, level: level, options: options)
        var items: [Item] = []
        let names = Set(metrics.map(\.name))
        for metric in ordered {
            let parent = metric.parentName
            let nested = metric.isSubmetric && names.contains(parent)
            let level = nested ? level + 1 : level
            items.append(.line(indent(level) + (nested ? String(metric.name.dropFirst(parent.count)) : metric.name)))
            for threshold in metric.thresholds {
                let mark = threshold.ok ? color("✓", .green) : color("✗", .red)
                let source = color("'" + threshold.source.trimmingSpaces + "'", .white)
                items.append(
                    .line(
                        indent(level) + [mark, source, thresholdValue(metric, threshold, info)].joined(separator: " ")))
            }
            items.append(.blank)
        }
        return items
    }

    func thresholdValue(_ metric: RenderedMetric, _ threshold: SummaryMetric.Threshold, _ info: LayoutInfo) -> String {
        let label = Self.aggregationLabel(threshold.source)
        let text: String
        switch metric.type {
        case .trend:
            if let column = options.summaryTrendStats.firstIndex(of: label),
                let columns = info.trendColumns[metric.name]
            {
                text = columns[column]
            } else {
                text = metric.trendValueText(label, options: options)
            }
        case .counter:
            text = label == "count" ? info.mainValues[metric.name] ?? "" : info.extras[metric.name]?.first ?? ""
        default:
            text = info.mainValues[metric.name] ?? ""
        }
        return color(label, .white) + "=" + color(text, .cyan)
    }

    /// The aggregation as written in the source: the text before the first `=`, `<` or `>`, trimmed.
    static func aggregationLabel(_ source: String) -> String {
        let end = source.firstIndex { $0 == "=" || $0 == "<" || $0 == ">" || $0 == "!" } ?? source.endIndex
        return String(source[..<end]).trimmingSpaces
    }

    func renderChecks(_ summary: SummaryData, level: Int) -> [Item] {
        guard let checks = summary.metrics.first(where: { $0.name == "checks" }) else { return [] }
        let checkLevel = level + 1
        let successes = checks.values["passes"] ?? 0
        let total = successes + (checks.values["fails"] ?? 0)
        let duration = summary.testRunDuration
        let metrics = [
            RenderedMetric(
                name: "checks_total", type: .counter, contains: .default,
                values: ["count": total, "rate": duration == .zero ? 0 : total / duration.seconds]),
            RenderedMetric(
                name: "checks_succeeded", type: .rate, contains: .default,
                values: ["rate": checks.values["rate"] ?? 0, "passes": successes, "fails": total - successes]),
            RenderedMetric(
                name: "checks_failed", type: .rate, contains: .default,
                values: ["rate": (total - successes) / total, "passes": total - successes, "fails": successes]),
        ]
        let info = LayoutInfo(metrics, level: checkLevel, options: options)
        var items = metrics.map { Item.line(metricLine($0, info, level: checkLevel)) }
        items.append(.blank)
        for check in Self.totalChecks(summary.rootGroup) {
            if check.fails == 0 {
                items.append(.line(indent(checkLevel) + color("✓ " + check.name, .green)))
            } else {
                let percent = (100 * Double(check.passes) / Double(check.passes + check.fails)).rounded(.down)
                let name = color("✗ " + check.name, .red)
                let detail = color(
                    "↳  \(JSNumber.string(percent))% — ✓ \(check.passes) / ✗ \(check.fails)", .red)
                items.append(.line(indent(checkLevel) + name + "\n" + indent(checkLevel + 1) + detail))
            }
        }
        items.append(.blank)
        return items
    }

    /// Every check by name (same-named checks in different groups add up), in order of first appearance.
    static func totalChecks(_ root: SummaryGroup) -> [SummaryGroup.Check] {
        var checks: [SummaryGroup.Check] = []
        for check in root.allChecks {
            if let index = checks.firstIndex(where: { $0.name == check.name }) {
                checks[index].passes += check.passes
                checks[index].fails += check.fails
            } else {
                checks.append(check)
            }
        }
        return checks
    }

    func renderMetrics(_ summary: SummaryData, level: Int) -> [Item] {
        let all = summary.metrics.filter { MetricSection(metricName: $0.name) != .skipped }.map(RenderedMetric.init)
        let info = LayoutInfo(all, level: level, options: options)
        var items: [Item] = []
        for section in MetricSection.displayOrder {
            let members = all.filter { MetricSection(metricName: $0.name) == section }
            guard !members.isEmpty else { continue }
            items.append(.line(indent(level) + bold(section.title)))
            for metric in Self.sorted(members) { items.append(.line(metricLine(metric, info, level: level))) }
            items.append(.blank)
        }
        return items
    }

    // MARK: Lines

    func metricLine(_ metric: RenderedMetric, _ info: LayoutInfo, level: Int) -> String {
        let displayName = Self.displayName(metric.name)
        let dots = max(0, info.maxNameWidth - Self.width(displayName) - Self.width(indent(level)) + 3)
        let dotted = displayName + color(String(repeating: ".", count: dots) + ":", .white, faint: true)
        let data: String
        if metric.type == .trend {
            let columns = info.trendColumns[metric.name] ?? []
            data = zip(options.summaryTrendStats, columns).enumerated().map { index, pair in
                pair.0 + "=" + color(pair.1, .cyan)
                    + String(repeating: " ", count: info.trendColumnWidths[index] - Self.width(pair.1))
            }.joined(separator: " ")
        } else {
            let value = info.mainValues[metric.name] ?? ""
            var text = color(value, .cyan) + String(repeating: " ", count: info.maxMainWidth - Self.width(value))
            let extras = info.extras[metric.name] ?? []
            if extras.count == 1 {
                text += " " + color(extras[0], .cyan, faint: true)
            } else if extras.count > 1 {
                text +=
                    " "
                    + extras.enumerated().map { index, extra in
                        color(extra, .cyan, faint: true)
                            + String(repeating: " ", count: info.extraWidths[index] - Self.width(extra))
                    }.joined(separator: " ")
            }
            data = text
        }
        return indent(level) + dotted + " " + data
    }

    /// k6's display name: sub-metrics show only their filter, as `  { method:Get }`.
    static func displayName(_ name: String) -> String {
        guard let open = name.firstIndex(of: "{") else { return name }
        return "  { " + String(name[name.index(after: open)...].dropLast()) + " }"
    }

    func indent(_ level: Int) -> String { String(repeating: " ", count: (level + 1) * 2) }

    /// Display width: characters, not counting ANSI escapes.
    static func width(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
                continue
            }
            if inEscape {
                if scalar.value >= 0x40 && scalar.value <= 0x7E && scalar != "[" { inEscape = false }
                continue
            }
            width += 1
        }
        return width
    }
}
