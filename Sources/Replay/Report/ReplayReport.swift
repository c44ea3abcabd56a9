import Engine
import Foundation
import Metrics

/// A self-contained HTML page about one replay, what a CI reviewer opens, drawn from the run's fixed-size
/// aggregates: latency over time (p50, p90 and p99 per time bucket, over bars of calls by outcome), rate and
/// errors over time, the latency distribution, a table per method (calls, p50/p95/p99, errors,
/// differences), statuses (a recorded error that came back is a match), differences grouped by field with
/// examples, failures by status, and the first calls that differ. No scripts or external files: it opens
/// anywhere, and CI can keep it.
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

    private static let green = "#2da44e"
    private static let amber = "#d4a72c"
    private static let red = "#cf222e"
    private static let grey = "#6e7781"

    /// The page.
    public func html() -> String {
        let latency = result.latency
        let verdict =
            result.mismatchedCalls == 0 && result.failedCalls == 0
            ? "<span class=\"ok\">Every call ended as recorded.</span>"
            : "<span class=\"bad\">"
                + [
                    result.failedCalls > 0 ? "\(result.failedCalls) calls ended with another status" : nil,
                    result.mismatchedCalls > 0 ? "\(result.mismatchedCalls) differ from the recording" : nil,
                ].compactMap { $0 }.joined(separator: ", ") + ".</span>"
        var reconnects = ""
        if result.connections.lost > 0 {
            reconnects =
                " Connections lost: \(result.connections.lost), replaced: \(result.connections.reconnected) "
                + "(\(result.connections.failedAttempts) failed attempts)."
        }
        if result.connections.renewed > 0 {
            reconnects += " Fresh connections: \(result.connections.renewed) more opened as recorded connections began."
        }
        return """
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
            <h1>Replay of \(Self.escape(plan.calls.count == 1 ? "1 recorded call" : "\(plan.calls.count) recorded calls")) against \(Self.escape(target))</h1>
            <p>Schedule: \(Self.escape(schedule.summary)). \(result.finished) calls in \(Self.display(result.elapsed.seconds)) s\
            \(result.dropped > 0 ? ", \(result.dropped) dropped" : ""). \(verdict)\(reconnects)</p>
            <table><tr><th>latency (ms)</th><th class="num">min</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">max</th></tr>
            <tr><td>from each call's intended start</td><td class="num">\(Self.ms(latency.total > 0 ? latency.minNanoseconds : 0))</td>\
            <td class="num">\(Self.ms(latency.percentile(0.5)))</td><td class="num">\(Self.ms(latency.percentile(0.9)))</td>\
            <td class="num">\(Self.ms(latency.percentile(0.99)))</td><td class="num">\(Self.ms(latency.maxNanoseconds))</td></tr></table>
            <h2>Latency over time</h2>
            <p class="legend"><span style="color:#0969da">— p50</span><span style="color:#8250df">— p90</span><span style="color:#bc4c00">— p99</span>\
            <span style="color:\(Self.green)">▮ as recorded</span><span style="color:\(Self.amber)">▮ differs from the recording</span>\
            <span style="color:\(Self.red)">▮ status not as recorded</span></p>
            \(timeline())
            <h2>Rate and errors over time</h2>
            <p class="legend"><span style="color:#0969da">— calls per second</span>\
            <span style="color:\(Self.red)">— status not as recorded per second</span>\
            <span style="color:\(Self.amber)">— differing per second</span>\
            \(result.dropped > 0 ? "<span style=\"color:\(Self.grey)\">- - dropped per second (too many in flight)</span>" : "")</p>
            \(rateChart())
            <h2>Latency distribution</h2>
            \(histogram())
            <h2>Methods</h2>
            \(methodTable())
            <h2>Statuses</h2>
            \(statusTable())
            <h2>Differences by field</h2>
            \(groupedDifferences())
            <h2>Failures by status</h2>
            \(failureTable())
            <h2>Calls that differ from the recording</h2>
            \(differences())
            </body></html>

            """
    }

    /// Percentile lines over stacked bars of calls per bucket.
    private func timeline() -> String {
        let buckets = result.timeline.buckets
        guard !buckets.isEmpty else { return "<p>No calls.</p>" }
        let width = 1000.0
        let height = 280.0
        let pad = 44.0
        let bucketSeconds = Double(result.timeline.width) / 1e9
        let span = Double(buckets.count) * bucketSeconds
        let maxLatency = max(buckets.map { Self.milliseconds($0.latency.percentile(0.99)) }.max() ?? 0, 0.001)
        let maxCalls = Double(max(buckets.map(\.calls).max() ?? 1, 1))
        let plotWidth = width - 2 * pad
        let plotHeight = height - 2 * pad
        let barWidth = plotWidth / Double(buckets.count)
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"latency over time\">"
        svg += axes(width: width, height: height, pad: pad, xLabel: "seconds since start", xMax: span, yMax: maxLatency)
        // Bars: calls per bucket (right-hand scale), by outcome.
        for (index, bucket) in buckets.enumerated() where bucket.calls > 0 {
            var y = height - pad
            let x = pad + Double(index) * barWidth
            for (count, colour) in [
                (bucket.asRecorded, Self.green), (bucket.differ, Self.amber), (bucket.failed, Self.red),
            ] where count > 0 {
                let h = Double(count) / maxCalls * plotHeight * 0.35
                y -= h
                svg +=
                    "<rect x=\"\(Self.format(x))\" y=\"\(Self.format(y))\" width=\"\(Self.format(max(barWidth - 1, 0.5)))\" "
                svg += "height=\"\(Self.format(h))\" fill=\"\(colour)\" fill-opacity=\".35\"/>"
            }
            let second = Double(index) * bucketSeconds
            svg +=
                "<rect x=\"\(Self.format(x))\" y=\"\(pad)\" width=\"\(Self.format(barWidth))\" height=\"\(plotHeight)\" fill=\"transparent\">"
            svg +=
                "<title>\(Self.display(second)) s: \(bucket.calls) calls (\(bucket.differ) differ, \(bucket.failed) not as recorded); "
            svg +=
                "p50 \(Self.ms(bucket.latency.percentile(0.5))) ms, p99 \(Self.ms(bucket.latency.percentile(0.99))) ms</title></rect>"
        }
        let used = buckets.indices.filter { buckets[$0].calls > 0 }
        for (p, colour) in [(0.5, "#0969da"), (0.9, "#8250df"), (0.99, "#bc4c00")] {
            var points: [String] = []
            for index in used {
                let y = height - pad - Self.milliseconds(buckets[index].latency.percentile(p)) / maxLatency * plotHeight
                // A run within one bucket has one point, which a line would not show: it spans its bucket.
                let xs =
                    used.count == 1
                    ? [pad + Double(index) * barWidth, pad + Double(index + 1) * barWidth]
                    : [pad + (Double(index) + 0.5) * barWidth]
                for x in xs { points.append("\(Self.format(x)),\(Self.format(y))") }
            }
            svg +=
                "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.6\"/>"
        }
        // The bars' scale, inside the plot above its tallest bar's height (outside, it would be cut off).
        svg +=
            "<text x=\"\(width - pad - 4)\" y=\"\(Self.format(height - pad - plotHeight * 0.35 - 4))\" font-size=\"11\" "
            + "text-anchor=\"end\" fill=\"\(Self.grey)\">bars: \(Self.display(maxCalls)) calls at most</text>"
        return svg + "</svg>"
    }

    /// The distribution on a log scale, from the histogram's buckets.
    private func histogram() -> String {
        let latency = result.latency
        guard latency.total > 0 else { return "<p>No calls.</p>" }
        let used = latency.counts.indices.filter { latency.counts[$0] > 0 }
        let first = used.first!
        let last = used.last!
        let counts = Array(latency.counts[first...last])
        let width = 1000.0
        let height = 220.0
        let pad = 40.0
        let maxCount = Double(counts.max() ?? 1)
        let barWidth = (width - 2 * pad) / Double(counts.count)
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"latency distribution\">"
        for (offset, count) in counts.enumerated() where count > 0 {
            let barHeight = Double(count) / maxCount * (height - 2 * pad)
            let lower = Double(LatencyHistogram.lowerMicroseconds(of: first + offset)) / 1000
            svg +=
                "<rect x=\"\(Self.format(pad + Double(offset) * barWidth))\" y=\"\(Self.format(height - pad - barHeight))\" "
            svg +=
                "width=\"\(Self.format(max(barWidth - 1, 0.5)))\" height=\"\(Self.format(barHeight))\" fill=\"#57606a\">"
            svg += "<title>≥ \(Self.display(lower)) ms: \(count) calls</title></rect>"
        }
        let low = Double(LatencyHistogram.lowerMicroseconds(of: first)) / 1000
        let high = Double(latency.maxNanoseconds) / 1e6
        svg +=
            "<line x1=\"\(pad)\" y1=\"\(height - pad)\" x2=\"\(width - pad)\" y2=\"\(height - pad)\" stroke=\"#999\"/>"
        svg += "<text x=\"\(pad)\" y=\"\(height - pad + 16)\" font-size=\"11\">\(Self.display(low)) ms</text>"
        svg +=
            "<text x=\"\(width - pad)\" y=\"\(height - pad + 16)\" font-size=\"11\" text-anchor=\"end\">\(Self.display(high)) ms</text>"
        svg +=
            "<text x=\"\(width / 2)\" y=\"\(height - 6)\" font-size=\"11\" text-anchor=\"middle\">latency (log scale); bar height: calls</text>"
        return svg + "</svg>"
    }

    private func axes(
        width: Double, height: Double, pad: Double, xLabel: String, xMax: Double, yMax: Double, unit: String = "ms"
    ) -> String {
        var svg =
            "<line x1=\"\(pad)\" y1=\"\(height - pad)\" x2=\"\(width - pad)\" y2=\"\(height - pad)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(pad)\" y1=\"\(pad)\" x2=\"\(pad)\" y2=\"\(height - pad)\" stroke=\"#999\"/>"
        svg +=
            "<text x=\"\(width - pad)\" y=\"\(height - pad + 16)\" font-size=\"11\" text-anchor=\"end\">\(Self.display(xMax)) s</text>"
        svg += "<text x=\"\(width / 2)\" y=\"\(height - 6)\" font-size=\"11\" text-anchor=\"middle\">\(xLabel)</text>"
        svg +=
            "<text x=\"\(pad - 4)\" y=\"\(pad + 4)\" font-size=\"11\" text-anchor=\"end\">\(Self.display(yMax))</text>"
        svg += "<text x=\"\(pad - 4)\" y=\"\(height - pad)\" font-size=\"11\" text-anchor=\"end\">0</text>"
        // Gridlines at round values between 0 and the maximum (none too close to the maximum's label).
        let plotWidth = width - 2 * pad
        let plotHeight = height - 2 * pad
        for value in Self.ticks(upTo: yMax) where value < yMax * 0.85 {
            let y = height - pad - plotHeight * value / yMax
            svg += "<line x1=\"\(pad)\" y1=\"\(y)\" x2=\"\(width - pad)\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>"
            svg +=
                "<text x=\"\(pad - 4)\" y=\"\(y + 4)\" font-size=\"11\" text-anchor=\"end\">\(Self.display(value))</text>"
        }
        for value in Self.ticks(upTo: xMax) where value < xMax * 0.9 {
            let x = pad + plotWidth * value / xMax
            svg += "<line x1=\"\(x)\" y1=\"\(height - pad)\" x2=\"\(x)\" y2=\"\(height - pad + 4)\" stroke=\"#999\"/>"
            svg +=
                "<text x=\"\(x)\" y=\"\(height - pad + 16)\" font-size=\"11\" text-anchor=\"middle\">\(Self.display(value))</text>"
        }
        svg +=
            "<text x=\"12\" y=\"\(height / 2)\" font-size=\"11\" transform=\"rotate(-90 12 \(height / 2))\" text-anchor=\"middle\">\(unit)</text>"
        return svg
    }

    private func methodTable() -> String {
        var table = "<table class=\"methods\"><tr><th>method</th><th class=\"num\">calls</th>"
        table += "<th class=\"num\">as recorded</th><th class=\"num\">differences</th><th class=\"num\">errors</th>"
        table += "<th class=\"num\">p50 ms</th><th class=\"num\">p95 ms</th><th class=\"num\">p99 ms</th></tr>"
        for method in result.methods {
            table += "<tr><td><code>\(Self.escape(method.method))</code></td><td class=\"num\">\(method.calls)</td>"
            table += "<td class=\"num ok\">\(method.asRecorded)</td>"
            table += "<td class=\"num\(method.differ > 0 ? " bad" : "")\">\(method.differ)</td>"
            table += "<td class=\"num\(method.failed > 0 ? " bad" : "")\">\(method.failed)</td>"
            table += "<td class=\"num\">\(Self.ms(method.latency.percentile(0.5)))</td>"
            table += "<td class=\"num\">\(Self.ms(method.latency.percentile(0.95)))</td>"
            table += "<td class=\"num\">\(Self.ms(method.latency.percentile(0.99)))</td></tr>"
        }
        return table
            + "</table><p>Errors: calls whose status was not the recorded one, or that never reached the server."
            + " A recorded error status that came back is as recorded.</p>"
    }

    private func statusTable() -> String {
        var table = "<table class=\"statuses\"><tr><th>replayed status</th><th class=\"num\">calls</th>"
        table += "<th class=\"num\">as recorded</th><th class=\"num\">not as recorded</th></tr>"
        let counts = result.statusCounts
        let matched = result.statusAsRecordedCounts
        for (code, count) in counts.enumerated().sorted(by: { $0.element > $1.element }) where count > 0 {
            let name = code == 17 ? "never reached the server" : GoldenChecker.codeName(code)
            let bad = count - matched[code]
            table += "<tr><td>\(Self.escape(name))</td><td class=\"num\">\(count)</td>"
            table += "<td class=\"num ok\">\(matched[code] > 0 ? "✓ \(matched[code])" : "0")</td>"
            table += "<td class=\"num\(bad > 0 ? " bad" : "")\">\(bad)</td></tr>"
        }
        return table + "</table>"
    }

    /// Calls per second, and failing and differing calls per second, per time bucket.
    private func rateChart() -> String {
        let buckets = result.timeline.buckets
        guard !buckets.isEmpty else { return "<p>No calls.</p>" }
        let width = 1000.0
        let height = 220.0
        let pad = 44.0
        let bucketSeconds = Double(result.timeline.width) / 1e9
        let rates = buckets.map { Double($0.calls) / bucketSeconds }
        let dropped = buckets.map { Double($0.dropped) / bucketSeconds }
        let maxRate = max(rates.max() ?? 1, dropped.max() ?? 1, 1)
        let plotWidth = width - 2 * pad
        let plotHeight = height - 2 * pad
        let step = plotWidth / Double(buckets.count)
        var svg =
            "<svg class=\"rate\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" "
            + "aria-label=\"rate and errors over time\">"
        svg += axes(
            width: width, height: height, pad: pad, xLabel: "seconds since start",
            xMax: Double(buckets.count) * bucketSeconds, yMax: maxRate, unit: "calls/s")
        var series = [
            (rates, "#0969da", ""), (buckets.map { Double($0.failed) / bucketSeconds }, Self.red, ""),
            (buckets.map { Double($0.differ) / bucketSeconds }, Self.amber, ""),
        ]
        // Calls the schedule could not start: where the rate dips because the target fell behind.
        if result.dropped > 0 { series.append((dropped, Self.grey, " stroke-dasharray=\"6 4\"")) }
        for (values, colour, dash) in series {
            // One point per bucket, so a run that fits in one bucket still draws a visible line.
            let points = values.enumerated().flatMap { index, value -> [String] in
                let y = Self.format(height - pad - value / maxRate * plotHeight)
                return [
                    "\(Self.format(pad + Double(index) * step)),\(y)",
                    "\(Self.format(pad + Double(index + 1) * step)),\(y)",
                ]
            }
            svg +=
                "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" "
                + "stroke-width=\"2\"\(dash)/>"
        }
        return svg + "</svg>"
    }

    /// Differences by method and field path, with counts and a few examples each.
    private func groupedDifferences() -> String {
        guard !result.differenceGroups.isEmpty else { return "<p class=\"ok\">None.</p>" }
        let calls = Dictionary(result.methods.map { ($0.method, $0.calls) }, uniquingKeysWith: { a, _ in a })
        var html = "<table class=\"groups\"><tr><th>method</th><th>field (a rule for --ignore)</th>"
        html += "<th class=\"num\">calls</th><th>examples: call, recorded, replayed</th></tr>"
        for group in result.differenceGroups {
            html += "<tr><td><code>\(Self.escape(group.method))</code></td>"
            html += "<td><code>\(Self.escape(group.place))</code></td>"
            html += "<td class=\"num\">\(group.calls) of \(calls[group.method] ?? group.calls)</td><td>"
            for example in group.examples {
                html += "call \(example.recordedCall): <code class=\"ok\">\(Self.escape(example.expected))</code> → "
                html += "<code class=\"bad\">\(Self.escape(example.actual))</code><br>"
            }
            html += "</td></tr>"
        }
        return html + "</table>"
    }

    /// Calls whose status was not as recorded, by replayed status and message.
    private func failureTable() -> String {
        guard !result.failureGroups.isEmpty else { return "<p class=\"ok\">None.</p>" }
        var html = "<table class=\"failures\"><tr><th>replayed status</th><th>message</th>"
        html += "<th class=\"num\">calls</th><th>examples</th></tr>"
        for group in result.failureGroups {
            html += "<tr><td class=\"bad\">\(Self.escape(group.status))</td><td>\(Self.escape(group.message))</td>"
            html += "<td class=\"num\">\(group.calls)</td><td>"
            for example in group.examples {
                html += "<code>\(Self.escape(example.method))</code> call \(example.recordedCall), recorded "
                html += "\(Self.escape(example.expected))<br>"
            }
            html += "</td></tr>"
        }
        return html + "</table>"
    }

    private func differences() -> String {
        guard !result.differences.isEmpty else { return "<p class=\"ok\">None.</p>" }
        var html = ""
        if result.mismatchedCalls > result.differences.count {
            html += "<p>The first \(result.differences.count) of \(result.mismatchedCalls) calls that differ.</p>"
        }
        // A call replayed many times mostly differs the same way each time: one row says how often.
        struct Row: Hashable {
            var call: Int
            var method: String
            var place: String
            var expected: String
            var actual: String
        }
        var rows: [Row] = []
        var times: [Row: Int] = [:]
        for difference in result.differences.prefix(200) {
            for mismatch in difference.mismatches.prefix(20) {
                let row = Row(
                    call: difference.recordedCall, method: difference.method,
                    place: mismatch.path.isEmpty ? mismatch.kind.rawValue : mismatch.path, expected: mismatch.expected,
                    actual: mismatch.actual)
                if times[row] == nil { rows.append(row) }
                times[row, default: 0] += 1
            }
        }
        html += "<table><tr><th>call</th><th class=\"num\">times</th><th>method</th><th>where</th><th>recorded</th>"
        html += "<th>replayed</th></tr>"
        for row in rows {
            html += "<tr><td>\(row.call)</td><td class=\"num\">\(times[row] ?? 1)</td>"
            html += "<td><code>\(Self.escape(row.method))</code></td><td><code>\(Self.escape(row.place))</code></td>"
            html += "<td class=\"ok\"><code>\(Self.escape(row.expected))</code></td>"
            html += "<td class=\"bad\"><code>\(Self.escape(row.actual))</code></td></tr>"
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

    static func milliseconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e6 }

    /// Milliseconds, for people.
    static func ms(_ nanoseconds: Int64) -> String { display(milliseconds(nanoseconds)) }

    /// A coordinate or size in the pictures.
    static func format(_ value: Double) -> String { String(format: "%.3g", value) }

    /// Round values (multiples of 1, 2 or 5 times a power of ten) above 0 and up to `maximum`, about four.
    static func ticks(upTo maximum: Double) -> [Double] {
        guard maximum.isFinite, maximum > 0 else { return [] }
        let rough = maximum / 4
        let power = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        return (1...8).map { Double($0) * step }.filter { $0 <= maximum }
    }

    /// A number for people: three significant digits below 1,000 (`0.76`, `106`), whole and grouped from
    /// there (`1,970`, `38,200`), never in exponent form.
    static func display(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        guard abs(value) >= 999.5 else { return String(format: "%.3g", value) }
        let whole = Int64(value.rounded())
        var digits = String(whole.magnitude)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return (whole < 0 ? "-" : "") + digits + grouped
    }
}
