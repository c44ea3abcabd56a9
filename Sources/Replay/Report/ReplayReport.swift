import Foundation
import Metrics

/// A self-contained HTML page about one replay: latency over time (each call a dot, coloured by
/// outcome), the latency distribution, status counts, and the calls that differ from the recording with
/// their field-level differences. No scripts or external files: it opens anywhere, and CI can keep it.
public struct ReplayReport: Sendable {
    let plan: ReplayPlan
    let result: ReplayResult
    let target: String
    let schedule: Schedule

    /// A report of `result`.
    public init(plan: ReplayPlan, result: ReplayResult, target: String, schedule: Schedule) {
        self.plan = plan
        self.result = result
        self.target = target
        self.schedule = schedule
    }

    /// The page.
    public func html() -> String {
        let outcomes = result.outcomes.sorted { $0.started < $1.started }
        let latencies = outcomes.map { Self.milliseconds($0.latency) }.sorted()
        /// The nearest-rank percentile: the smallest latency with at least `p` of the calls at or below it.
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let rank = Int((Double(latencies.count) * p).rounded(.up))
            return latencies[min(latencies.count, max(rank, 1)) - 1]
        }
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Reprise replay report</title>
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse}td,th{padding:.25em .7em;text-align:left;border-bottom:1px solid #eee}
            .num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1a7f37}.bad{color:#cf222e}
            code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:1px 3px}
            svg{background:#fcfcfc;border:1px solid #eee}.legend span{margin-right:1.2em}
            </style></head><body>
            <h1>Replay of \(Self.escape(plan.calls.count == 1 ? "1 call" : "\(plan.calls.count) calls")) against \(Self.escape(target))</h1>
            <p>Schedule: \(Self.escape(schedule.summary)). \(outcomes.count) calls in \(Self.format(result.elapsed.seconds)) s\
            \(result.dropped > 0 ? ", \(result.dropped) dropped" : "").
            <span class="\(result.mismatchedCalls == 0 ? "ok" : "bad")">\(result.mismatchedCalls == 0 ? "Every checked call matches the recording." : "\(result.mismatchedCalls) calls differ from the recording.")</span></p>
            <table><tr><th>latency (ms)</th><th class="num">min</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">max</th></tr>
            <tr><td></td><td class="num">\(Self.format(latencies.first ?? 0))</td><td class="num">\(Self.format(percentile(0.5)))</td>\
            <td class="num">\(Self.format(percentile(0.9)))</td><td class="num">\(Self.format(percentile(0.99)))</td>\
            <td class="num">\(Self.format(latencies.last ?? 0))</td></tr></table>
            <h2>Latency over time</h2>
            <p class="legend"><span style="color:#2da44e">● OK, as recorded</span><span style="color:#d4a72c">● differs from the recording</span><span style="color:#cf222e">● status not OK</span></p>
            \(timeline(outcomes))
            <h2>Latency distribution</h2>
            \(histogram(latencies))
            <h2>Statuses</h2>
            \(statusTable(outcomes))
            <h2>Differences from the recording</h2>
            \(differences())
            </body></html>
            """
        page += "\n"
        return page
    }

    private func colour(_ outcome: CallOutcome) -> String {
        if outcome.code != 0 { return "#cf222e" }
        return result.mismatches[outcome.iteration] == nil ? "#2da44e" : "#d4a72c"
    }

    private func timeline(_ outcomes: [CallOutcome]) -> String {
        let width = 1000.0
        let height = 260.0
        let pad = 40.0
        let maxTime = max(outcomes.map { $0.started.seconds }.max() ?? 0, 0.001)
        let maxLatency = max(outcomes.map { Self.milliseconds($0.latency) }.max() ?? 0, 0.001)
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"latency over time\">"
        svg += axes(
            width: width, height: height, pad: pad, xLabel: "seconds since start", xMax: maxTime, yMax: maxLatency)
        // At most 20,000 dots: beyond that, every nth call.
        let step = max(1, outcomes.count / 20_000)
        for (index, outcome) in outcomes.enumerated() where index % step == 0 {
            let x = pad + outcome.started.seconds / maxTime * (width - 2 * pad)
            let y = height - pad - Self.milliseconds(outcome.latency) / maxLatency * (height - 2 * pad)
            svg +=
                "<circle cx=\"\(Self.format(x))\" cy=\"\(Self.format(y))\" r=\"2.2\" fill=\"\(colour(outcome))\" fill-opacity=\".7\"/>"
        }
        return svg + "</svg>"
    }

    private func histogram(_ sorted: [Double]) -> String {
        guard let low = sorted.first, let high = sorted.last else { return "<p>No calls.</p>" }
        let buckets = 40
        // Logarithmic buckets: latency spreads over orders of magnitude.
        let from = log10(max(low, 0.001))
        let to = max(log10(max(high, 0.001)), from + 0.001)
        var counts = [Int](repeating: 0, count: buckets)
        for value in sorted {
            let position = (log10(max(value, 0.001)) - from) / (to - from)
            counts[min(buckets - 1, max(0, Int(position * Double(buckets))))] += 1
        }
        let width = 1000.0
        let height = 220.0
        let pad = 40.0
        let maxCount = Double(counts.max() ?? 1)
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"latency distribution\">"
        let barWidth = (width - 2 * pad) / Double(buckets)
        for (index, count) in counts.enumerated() where count > 0 {
            let barHeight = Double(count) / maxCount * (height - 2 * pad)
            let lower = pow(10, from + (to - from) * Double(index) / Double(buckets))
            svg +=
                "<rect x=\"\(Self.format(pad + Double(index) * barWidth))\" y=\"\(Self.format(height - pad - barHeight))\" "
            svg += "width=\"\(Self.format(barWidth - 1))\" height=\"\(Self.format(barHeight))\" fill=\"#57606a\">"
            svg += "<title>≥ \(Self.format(lower)) ms: \(count) calls</title></rect>"
        }
        svg +=
            "<line x1=\"\(pad)\" y1=\"\(height - pad)\" x2=\"\(width - pad)\" y2=\"\(height - pad)\" stroke=\"#999\"/>"
        svg += "<text x=\"\(pad)\" y=\"\(height - pad + 16)\" font-size=\"11\">\(Self.format(low)) ms</text>"
        svg +=
            "<text x=\"\(width - pad)\" y=\"\(height - pad + 16)\" font-size=\"11\" text-anchor=\"end\">\(Self.format(high)) ms</text>"
        svg +=
            "<text x=\"\(width / 2)\" y=\"\(height - 6)\" font-size=\"11\" text-anchor=\"middle\">latency (log scale); bar height: calls</text>"
        return svg + "</svg>"
    }

    private func axes(width: Double, height: Double, pad: Double, xLabel: String, xMax: Double, yMax: Double) -> String
    {
        var svg =
            "<line x1=\"\(pad)\" y1=\"\(height - pad)\" x2=\"\(width - pad)\" y2=\"\(height - pad)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(pad)\" y1=\"\(pad)\" x2=\"\(pad)\" y2=\"\(height - pad)\" stroke=\"#999\"/>"
        svg +=
            "<text x=\"\(width - pad)\" y=\"\(height - pad + 16)\" font-size=\"11\" text-anchor=\"end\">\(Self.format(xMax)) s</text>"
        svg += "<text x=\"\(width / 2)\" y=\"\(height - 6)\" font-size=\"11\" text-anchor=\"middle\">\(xLabel)</text>"
        svg +=
            "<text x=\"\(pad - 4)\" y=\"\(pad + 4)\" font-size=\"11\" text-anchor=\"end\">\(Self.format(yMax))</text>"
        svg += "<text x=\"\(pad - 4)\" y=\"\(height - pad)\" font-size=\"11\" text-anchor=\"end\">0</text>"
        svg +=
            "<text x=\"12\" y=\"\(height / 2)\" font-size=\"11\" transform=\"rotate(-90 12 \(height / 2))\" text-anchor=\"middle\">ms</text>"
        return svg
    }

    private func statusTable(_ outcomes: [CallOutcome]) -> String {
        var counts: [String: Int] = [:]
        for outcome in outcomes {
            let name = outcome.failure != nil ? "not sent" : GoldenChecker.codeName(outcome.code)
            counts[name, default: 0] += 1
        }
        var table = "<table><tr><th>status</th><th class=\"num\">calls</th></tr>"
        for (name, count) in counts.sorted(by: { $0.value > $1.value }) {
            table += "<tr><td>\(Self.escape(name))</td><td class=\"num\">\(count)</td></tr>"
        }
        return table + "</table>"
    }

    private func differences() -> String {
        guard !result.mismatches.isEmpty else { return "<p class=\"ok\">None.</p>" }
        let byIteration = Dictionary(result.outcomes.map { ($0.iteration, $0) }, uniquingKeysWith: { a, _ in a })
        var html = "<table><tr><th>call</th><th>method</th><th>where</th><th>recorded</th><th>replayed</th></tr>"
        for (iteration, mismatches) in result.mismatches.sorted(by: { $0.key < $1.key }).prefix(500) {
            guard let outcome = byIteration[iteration] else { continue }
            let call = plan.calls[outcome.call]
            for mismatch in mismatches.prefix(20) {
                let place = mismatch.path.isEmpty ? mismatch.kind.rawValue : mismatch.path
                html += "<tr><td>\(call.recordedCall)</td><td><code>\(Self.escape(call.methodName))</code></td>"
                html +=
                    "<td><code>\(Self.escape(place))</code></td><td class=\"ok\"><code>\(Self.escape(mismatch.expected))</code></td>"
                html += "<td class=\"bad\"><code>\(Self.escape(mismatch.actual))</code></td></tr>"
            }
        }
        return html + "</table>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    static func milliseconds(_ duration: Duration) -> Double { duration.seconds * 1000 }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
