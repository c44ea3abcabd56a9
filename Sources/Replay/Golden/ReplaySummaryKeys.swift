import ProtoCodec

/// What a replay adds to its `--summary-export` beside k6's keys: the segment it ran (`"segment"`, when it
/// ran one) and its golden-check totals (`"golden"`, when it checked). `reprise metrics merge` reads them
/// back to check that the summaries it merges are the slices of one test, and to add up the checks.
public struct ReplaySummaryKeys: Sendable, Hashable {
    /// The slice of the test the replay ran; nil for the whole test.
    public var segment: ExecutionSegment?
    /// The golden check's totals; nil when the replay did not check.
    public var golden: GoldenTotals?

    public init(segment: ExecutionSegment?, golden: GoldenTotals?) {
        self.segment = segment == .whole ? nil : segment
        self.golden = golden
    }

    /// The keys of a summary file's top-level object (missing ones are nil); throws when one is there but
    /// malformed, naming it.
    public init(summary: JSONValue) throws(ReplayError) {
        if let segment = summary["segment"] {
            guard let index = segment["index"]?.int64Value, let count = segment["count"]?.int64Value else {
                throw ReplayError(.unreadableInput, "its \"segment\" is not {\"index\": i, \"count\": n}")
            }
            self.segment = try ExecutionSegment(index: Int(index), count: Int(count))
        }
        if let golden = summary["golden"] { self.golden = try GoldenTotals(json: golden) }
    }

    /// Sets (or removes) the keys in a summary's top-level object.
    public func add(to summary: inout JSONObject) {
        summary["segment"] = segment.map {
            ["index": .number(JSONNumber($0.index)), "count": .number(JSONNumber($0.count))]
        }
        summary["golden"] = golden?.json
    }
}

/// A replay's golden-check totals, as its summary export carries them: the calls checked, how many
/// differed, failed or never reached the server, the differences grouped by method, kind and path (with
/// a few examples each), the failures grouped by status and message, and the rules that changed nothing.
/// Totals of several segments add up (``merge(_:)``).
public struct GoldenTotals: Sendable, Hashable {
    public var calls = 0
    public var differingCalls = 0
    public var failedCalls = 0
    public var unreachedCalls = 0
    public var differences: [DifferenceGroup] = []
    public var failures: [FailureGroup] = []
    public var unusedRules: [String] = []

    /// The totals of one replay.
    public init(_ result: ReplayResult) {
        calls = result.finished
        differingCalls = result.mismatchedCalls
        failedCalls = result.failedCalls
        unreachedCalls = result.unreachedCalls
        differences = result.differenceGroups
        failures = result.failureGroups
        unusedRules = result.unusedRules
    }

    init() {}

    /// The totals of several replays of slices of one test: counts add, groups with the same key add (their
    /// examples are the earliest), and a rule is unused only if no replay used it.
    public static func merge(_ all: [GoldenTotals]) -> GoldenTotals {
        var merged = GoldenTotals()
        var groups: [String: DifferenceGroup] = [:]
        var failures: [String: FailureGroup] = [:]
        var unused = all.first.map { Set($0.unusedRules) } ?? []
        for totals in all {
            merged.calls += totals.calls
            merged.differingCalls += totals.differingCalls
            merged.failedCalls += totals.failedCalls
            merged.unreachedCalls += totals.unreachedCalls
            for group in totals.differences {
                groups["\(group.method)\u{0}\(group.kind.rawValue)\u{0}\(group.path)", default: group.emptied()].merge(
                    group)
            }
            for group in totals.failures {
                failures["\(group.status)\u{0}\(group.message)", default: group.emptied()].merge(group)
            }
            unused.formIntersection(totals.unusedRules)
        }
        merged.differences = DifferenceGroup.inReportOrder(groups.values)
        merged.failures = FailureGroup.inReportOrder(failures.values)
        merged.unusedRules = (all.first?.unusedRules ?? []).filter(unused.contains)
        return merged
    }

    /// The `"golden"` object of a summary export.
    public var json: JSONValue {
        var golden = JSONObject()
        golden["calls"] = .number(JSONNumber(calls))
        golden["differing_calls"] = .number(JSONNumber(differingCalls))
        golden["failed_calls"] = .number(JSONNumber(failedCalls))
        golden["unreached_calls"] = .number(JSONNumber(unreachedCalls))
        golden["differences"] = .array(
            differences.map { group in
                var object = JSONObject()
                object["method"] = .string(group.method)
                object["kind"] = .string(group.kind.rawValue)
                object["path"] = .string(group.path)
                object["calls"] = .number(JSONNumber(group.calls))
                object["examples"] = .array(
                    group.examples.map {
                        [
                            "call": .number(JSONNumber($0.recordedCall)),
                            "iteration": .number(JSONNumber($0.iteration)), "recorded": .string($0.expected),
                            "replayed": .string($0.actual),
                        ]
                    })
                return .object(object)
            })
        golden["failures"] = .array(
            failures.map {
                ["status": .string($0.status), "message": .string($0.message), "calls": .number(JSONNumber($0.calls))]
            })
        golden["unused_rules"] = .array(unusedRules.map { .string($0) })
        return .object(golden)
    }

    /// Totals read back from a summary's `"golden"` object.
    public init(json: JSONValue) throws(ReplayError) {
        func count(_ key: String, in value: JSONValue, of what: String) throws(ReplayError) -> Int {
            guard let number = value[key]?.int64Value, number >= 0 else {
                throw ReplayError(.unreadableInput, "its \(what) has no count \"\(key)\"")
            }
            return Int(number)
        }
        calls = try count("calls", in: json, of: "\"golden\"")
        differingCalls = try count("differing_calls", in: json, of: "\"golden\"")
        failedCalls = try count("failed_calls", in: json, of: "\"golden\"")
        unreachedCalls = try count("unreached_calls", in: json, of: "\"golden\"")
        for item in json["differences"]?.arrayValue ?? [] {
            guard let method = item["method"]?.stringValue, let kindText = item["kind"]?.stringValue,
                let kind = Mismatch.Kind(rawValue: kindText), let path = item["path"]?.stringValue
            else { throw ReplayError(.unreadableInput, "a difference in its \"golden\" has no method, kind or path") }
            var group = DifferenceGroup(method: method, kind: kind, path: path)
            group.calls = try count("calls", in: item, of: "difference \(method) \(path)")
            group.examples = try (item["examples"]?.arrayValue ?? []).map { (example) throws(ReplayError) in
                DifferenceGroup.Example(
                    recordedCall: try count("call", in: example, of: "example of \(method) \(path)"),
                    iteration: try count("iteration", in: example, of: "example of \(method) \(path)"),
                    expected: example["recorded"]?.stringValue ?? "", actual: example["replayed"]?.stringValue ?? "")
            }
            differences.append(group)
        }
        for item in json["failures"]?.arrayValue ?? [] {
            guard let status = item["status"]?.stringValue, let message = item["message"]?.stringValue else {
                throw ReplayError(.unreadableInput, "a failure in its \"golden\" has no status or message")
            }
            var group = FailureGroup(status: status, message: message)
            group.calls = try count("calls", in: item, of: "failure \(status)")
            failures.append(group)
        }
        unusedRules = (json["unused_rules"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

extension DifferenceGroup {
    /// A group with the same key and nothing in it.
    fileprivate func emptied() -> DifferenceGroup { DifferenceGroup(method: method, kind: kind, path: path) }
}

extension FailureGroup {
    fileprivate func emptied() -> FailureGroup { FailureGroup(status: status, message: message) }
}
