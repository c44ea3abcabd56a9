/// What one event loop's calls did, kept on that loop without locks and merged when the run ends. Its size
/// depends on the methods, the distinct differences (at most ``groupLimit`` groups) and the differences
/// kept, never on the calls made.
struct LoopTally: Sendable {
    var methods: [MethodTally]
    var timeline = Timeline()
    var latency = LatencyHistogram()
    var differences: [CallDifference] = []
    var groups: [GroupKey: DifferenceGroup] = [:]
    var failures: [FailureKey: FailureGroup] = [:]
    /// Differences and failures past the group limit: counted, not grouped.
    var ungrouped = 0

    struct GroupKey: Hashable, Sendable {
        var method: Int
        var kind: Mismatch.Kind
        var path: String
    }

    struct FailureKey: Hashable, Sendable {
        var status: String
        var message: String
    }

    /// The most distinct groups kept (of each sort).
    static let groupLimit = 1_000

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
        let code = (0...16).contains(status) ? status : 17
        methods[method].statusCounts[code] += 1
        if verdict != .failed { methods[method].statusAsRecordedCounts[code] += 1 }
        methods[method].latency.record(nanoseconds: nanoseconds)
        latency.record(nanoseconds: nanoseconds)
        timeline.record(offset: offset, latency: nanoseconds, verdict)
    }

    /// Counts a call the schedule dropped, due `offset` nanoseconds into the run.
    mutating func drop(offset: Int64) { timeline.recordDrop(offset: offset) }

    /// Keeps a difference if there is room for it, and counts it in its groups.
    mutating func keep(_ difference: CallDifference, method: Int, limit: Int) {
        if differences.count < limit { differences.append(difference) }
        if methods[method].samples.count < MethodTally.sampleLimit { methods[method].samples.append(difference) }
        for mismatch in difference.mismatches where !mismatch.isFailure {
            let key = GroupKey(method: method, kind: mismatch.kind, path: mismatch.path)
            if groups[key] == nil {
                guard groups.count < Self.groupLimit else {
                    ungrouped += 1
                    continue
                }
                groups[key] = DifferenceGroup(method: difference.method, kind: mismatch.kind, path: mismatch.path)
            }
            groups[key]!.add(
                DifferenceGroup.Example(
                    recordedCall: difference.recordedCall, iteration: difference.iteration,
                    expected: mismatch.expected, actual: mismatch.actual))
        }
    }

    /// Counts a call whose status was not as recorded.
    mutating func fail(status: String, message: String, example: FailureGroup.Example) {
        let key = FailureKey(status: status, message: message)
        if failures[key] == nil {
            guard failures.count < Self.groupLimit else {
                ungrouped += 1
                return
            }
            failures[key] = FailureGroup(status: status, message: message)
        }
        failures[key]!.add(example)
    }

    /// Every loop's tally as one result.
    static func merge(_ tallies: [LoopTally], limit: Int, into result: inout ReplayResult) {
        guard var merged = tallies.first else { return }
        for tally in tallies.dropFirst() {
            for index in merged.methods.indices { merged.methods[index].merge(tally.methods[index]) }
            merged.timeline.merge(tally.timeline)
            merged.latency.merge(tally.latency)
            merged.differences += tally.differences
            merged.groups.merge(tally.groups) { a, b in
                var group = a
                group.merge(b)
                return group
            }
            merged.failures.merge(tally.failures) { a, b in
                var group = a
                group.merge(b)
                return group
            }
            merged.ungrouped += tally.ungrouped
        }
        result.methods = merged.methods.filter { $0.calls > 0 }.sorted { $0.method < $1.method }
        result.timeline = merged.timeline
        result.latency = merged.latency
        result.differences = Array(merged.differences.sorted { $0.iteration < $1.iteration }.prefix(limit))
        for key in merged.groups.keys { merged.groups[key]!.examples.sort { $0.iteration < $1.iteration } }
        for key in merged.failures.keys { merged.failures[key]!.examples.sort { $0.iteration < $1.iteration } }
        result.differenceGroups = DifferenceGroup.inReportOrder(merged.groups.values)
        result.failureGroups = FailureGroup.inReportOrder(merged.failures.values)
        result.ungroupedDifferences = merged.ungrouped
    }
}
