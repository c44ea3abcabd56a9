/// What one event loop's calls did, kept on that loop without locks and merged when the run ends. Its size
/// depends on the methods and the differences kept, never on the calls made.
struct LoopTally: Sendable {
    var methods: [MethodTally]
    var timeline = Timeline()
    var latency = LatencyHistogram()
    var differences: [CallDifference] = []

    init(methodNames: [String]) {
        methods = methodNames.map { MethodTally(method: $0) }
    }

    /// Counts one ended call.
    mutating func record(
        method: Int, verdict: Timeline.Verdict, status: Int, offset: Int64, latency nanoseconds: Int64
    ) {
        switch verdict {
        case .asRecorded: methods[method].asRecorded += 1
        case .differ: methods[method].differ += 1
        case .failed: methods[method].failed += 1
        }
        methods[method].statusCounts[(0...16).contains(status) ? status : 17] += 1
        methods[method].latency.record(nanoseconds: nanoseconds)
        latency.record(nanoseconds: nanoseconds)
        timeline.record(offset: offset, latency: nanoseconds, verdict)
    }

    /// Keeps a difference if there is room for it.
    mutating func keep(_ difference: CallDifference, method: Int, limit: Int) {
        if differences.count < limit { differences.append(difference) }
        if methods[method].samples.count < MethodTally.sampleLimit { methods[method].samples.append(difference) }
    }

    /// Every loop's tally as one result.
    static func merge(_ tallies: [LoopTally], limit: Int, into result: inout ReplayResult) {
        guard var merged = tallies.first else { return }
        for tally in tallies.dropFirst() {
            for index in merged.methods.indices { merged.methods[index].merge(tally.methods[index]) }
            merged.timeline.merge(tally.timeline)
            merged.latency.merge(tally.latency)
            merged.differences += tally.differences
        }
        result.methods = merged.methods.filter { $0.calls > 0 }.sorted { $0.method < $1.method }
        result.timeline = merged.timeline
        result.latency = merged.latency
        result.differences = Array(merged.differences.sorted { $0.iteration < $1.iteration }.prefix(limit))
    }
}
