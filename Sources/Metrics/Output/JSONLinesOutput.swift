import GRPCProtocol

/// `--out json=FILE`: every sample as a line of JSON in k6's format, so tools that read k6's output read
/// ours. A `Metric` line describes each metric before its first point:
///
///     {"type":"Metric","data":{"name":"grpc_req_duration","type":"trend","contains":"time",
///      "thresholds":["p(95)<200"],"submetrics":null},"metric":"grpc_req_duration"}
///     {"metric":"grpc_req_duration","type":"Point","data":{"time":"2026-08-21T10:00:00.123456789Z",
///      "value":33.75,"tags":{"method":"GetFeature","status":"0"}}}
///
/// Times are UTC RFC 3339 with nanoseconds; values use Go's number layout; a `.gz` path is gzipped.
public final class JSONLinesOutput: MetricsOutput {
    /// The file, and the metrics already described in it.
    private let file: SampleFile<Set<String>>
    private let thresholds: [String: [ThresholdDefinition]]
    private let submetrics: [String: [MetricSelector]]
    /// The file being written.
    public var path: String { file.path }

    /// Creates (truncates) `path`. `thresholds` appear in each metric's `Metric` line as k6 writes them.
    public init(path: String, thresholds: [ThresholdSet] = []) throws {
        file = try SampleFile(path: path, context: [])
        var byMetric: [String: [ThresholdDefinition]] = [:]
        var subs: [String: [MetricSelector]] = [:]
        for set in thresholds {
            if set.selector.isSubmetric {
                if !(subs[set.selector.name] ?? []).contains(where: { $0.tags == set.selector.tags }) {
                    subs[set.selector.name, default: []].append(set.selector)
                }
            } else {
                byMetric[set.selector.name, default: []] += set.definitions
            }
        }
        self.thresholds = byMetric
        submetrics = subs
    }

    /// Writes a batch; errors are kept and reported by `close()` so the hot path never throws.
    public func write(_ samples: [RecordedSample], directory: SeriesDirectory) {
        file.append(capacity: samples.count * 200) { described, bytes in
            var writer = JSONWriter(numberStyle: .go, capacity: 0)
            swap(&writer.bytes, &bytes)
            for sample in samples {
                let info = directory.info(for: sample)
                if !described.contains(info.metric.name) {
                    described.insert(info.metric.name)
                    describe(info.metric, into: &writer)
                }
                point(sample, info, into: &writer)
            }
            swap(&writer.bytes, &bytes)
        }
    }

    /// Flushes and closes the file; throws the first write error, if any.
    public func close() throws { try file.close() }

    private func describe(_ metric: Metric, into writer: inout JSONWriter) {
        writer.raw(#"{"type":"Metric","data":{"name":"#)
        writer.string(metric.name)
        writer.raw(#","type":"#)
        writer.string(metric.type.rawValue)
        writer.raw(#","contains":"#)
        writer.string(metric.contains.rawValue)
        writer.raw(#","thresholds":["#)
        for (index, definition) in (thresholds[metric.name] ?? []).enumerated() {
            if index > 0 { writer.raw(UInt8(ascii: ",")) }
            if definition.abortOnFail {
                writer.raw(#"{"threshold":"#)
                writer.string(definition.source)
                writer.raw(#","abortOnFail":true,"delayAbortEval":"#)
                if let delay = definition.delayAbortEval {
                    writer.string(GoDuration.format(delay))
                } else {
                    writer.raw("null")
                }
                writer.raw(UInt8(ascii: "}"))
            } else {
                writer.string(definition.source)
            }
        }
        writer.raw(#"],"submetrics":"#)
        if let subs = submetrics[metric.name], !subs.isEmpty {
            writer.raw(UInt8(ascii: "["))
            for (index, selector) in subs.enumerated() {
                if index > 0 { writer.raw(UInt8(ascii: ",")) }
                writer.raw(#"{"name":"#)
                writer.string(selector.canonicalName)
                writer.raw(#","suffix":"#)
                writer.string(selector.suffix ?? "")
                writer.raw(#","tags":"#)
                tags(selector.tags, into: &writer)
                writer.raw(UInt8(ascii: "}"))
            }
            writer.raw(UInt8(ascii: "]"))
        } else {
            writer.raw("null")
        }
        writer.raw(#"},"metric":"#)
        writer.string(metric.name)
        writer.raw("}\n")
    }

    private func point(_ sample: RecordedSample, _ info: SeriesInfo, into writer: inout JSONWriter) {
        writer.raw(#"{"metric":"#)
        writer.string(info.metric.name)
        writer.raw(#","type":"Point","data":{"time":""#)
        writer.raw(RFC3339.string(nanosecondsSinceEpoch: sample.time))
        writer.raw(#"","value":"#)
        writer.number(sample.value)
        writer.raw(#","tags":"#)
        tags(info.tags, into: &writer)
        writer.raw("}}\n")
    }

    private func tags(_ tags: TagSet, into writer: inout JSONWriter) {
        writer.raw(UInt8(ascii: "{"))
        for (index, tag) in tags.tags.enumerated() {
            if index > 0 { writer.raw(UInt8(ascii: ",")) }
            writer.string(tag.key)
            writer.raw(UInt8(ascii: ":"))
            writer.string(tag.value)
        }
        writer.raw(UInt8(ascii: "}"))
    }
}
