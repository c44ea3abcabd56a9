/// The registry's live totals in Prometheus' text exposition format (version 0.0.4), for the exporter's
/// `/metrics` page. Names get a `reprise_` prefix; tags become labels. Counters are `<name>_total`
/// (`_bytes_total` for data), gauges keep their name, rates are a `<name>_rate` gauge with
/// `<name>_total` and `<name>_passes_total` counters, and trends are summaries with quantiles 0.5, 0.9,
/// 0.95 and 0.99, in seconds for time trends (`<name>_seconds`).
public enum PrometheusText {
    /// The content type of the page.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Quantiles exported for trends.
    public static let quantiles: [Double] = [0.5, 0.9, 0.95, 0.99]

    /// Renders every series of `snapshot` that received samples.
    public static func render(_ snapshot: MetricsSnapshot, prefix: String = "reprise_") -> String {
        var out = ""
        for metric in snapshot.metrics {
            switch metric.type {
            case .counter:
                let entries = snapshot.counters.filter { $0.info.metric == metric && !$0.totals.isEmpty }
                guard !entries.isEmpty else { continue }
                let name = prefix + metric.name + (metric.contains == .data ? "_bytes_total" : "_total")
                header(&out, name, "counter", "k6 counter \(metric.name)")
                for entry in entries { line(&out, name, entry.info.tags, Double(entry.totals.value)) }
            case .gauge:
                let entries = snapshot.gauges.filter { $0.info.metric == metric && !$0.totals.isEmpty }
                guard !entries.isEmpty else { continue }
                let name = prefix + metric.name
                header(&out, name, "gauge", "k6 gauge \(metric.name)")
                for entry in entries { line(&out, name, entry.info.tags, entry.totals.value) }
            case .rate:
                let entries = snapshot.rates.filter { $0.info.metric == metric && !$0.totals.isEmpty }
                guard !entries.isEmpty else { continue }
                let base = prefix + metric.name
                header(&out, base + "_rate", "gauge", "k6 rate \(metric.name): share of non-zero samples")
                for entry in entries { line(&out, base + "_rate", entry.info.tags, entry.totals.rate) }
                header(&out, base + "_total", "counter", "k6 rate \(metric.name): samples")
                for entry in entries { line(&out, base + "_total", entry.info.tags, Double(entry.totals.total)) }
                header(&out, base + "_passes_total", "counter", "k6 rate \(metric.name): non-zero samples")
                for entry in entries { line(&out, base + "_passes_total", entry.info.tags, Double(entry.totals.trues)) }
            case .trend:
                let entries = snapshot.trends.filter { $0.info.metric == metric && !$0.totals.isEmpty }
                guard !entries.isEmpty else { continue }
                let isTime = metric.contains == .time
                let name = prefix + metric.name + (isTime ? "_seconds" : "")
                let scale = isTime ? 0.001 : 1
                header(&out, name, "summary", "k6 trend \(metric.name)" + (isTime ? " in seconds" : ""))
                for entry in entries {
                    for quantile in quantiles {
                        let tags = entry.info.tags.adding("quantile", JSNumber.string(quantile))
                        line(&out, name, tags, entry.totals.percentile(quantile) * scale)
                    }
                    line(&out, name + "_sum", entry.info.tags, entry.totals.total * scale)
                    line(&out, name + "_count", entry.info.tags, Double(entry.totals.count))
                }
            }
        }
        return out
    }

    private static func header(_ out: inout String, _ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func line(_ out: inout String, _ name: String, _ tags: TagSet, _ value: Double) {
        out += name
        if !tags.isEmpty {
            out += "{"
            out += tags.tags.map { labelName($0.key) + "=\"" + escape($0.value) + "\"" }.joined(separator: ",")
            out += "}"
        }
        out += " " + number(value) + "\n"
    }

    private static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return GoFloat.string(value)
    }

    /// Label names allow `[a-zA-Z_][a-zA-Z0-9_]*`; other characters become `_`.
    static func labelName(_ key: String) -> String {
        var scalars = key.unicodeScalars.map { scalar -> Character in
            let isLetter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
            return isLetter || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        }
        if let first = scalars.first, first.isNumber { scalars.insert("_", at: 0) }
        return scalars.isEmpty ? "_" : String(scalars)
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
