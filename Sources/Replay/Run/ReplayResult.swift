import Engine

/// What a replay did, in aggregates whose size does not depend on how many calls ran: counts, latency
/// histograms per method and over time, and the first differences found.
public struct ReplayResult: Sendable {
    /// Calls started (dropped ones not included).
    public var started = 0
    /// Calls that ended.
    public var finished = 0
    /// Calls the schedule dropped (too many in flight).
    public var dropped = 0
    /// Calls cancelled because they were still in flight when the graceful stop ended.
    public var interrupted = 0
    /// Calls whose status was not as recorded, or that never reached the server.
    public var failedCalls = 0
    /// Calls whose outcome differs from the recording (with a check).
    public var mismatchedCalls = 0
    /// How long the replay took.
    public var elapsed: Duration = .zero
    /// Whether a threshold or a signal stopped it early.
    public var stoppedEarly = false
    /// Whether a virtual-user schedule limited by a count of calls stopped at `Options.maxDuration` with
    /// calls still to make.
    public var reachedMaxDuration = false
    /// Per method, by name.
    public var methods: [MethodTally] = []
    /// Over time.
    public var timeline = Timeline()
    /// All calls' latencies.
    public var latency = LatencyHistogram()
    /// The first differences found (at most `keepMismatches`), by iteration.
    public var differences: [CallDifference] = []
    /// The differences by method, kind and path, with counts and examples (most frequent first per method).
    public var differenceGroups: [DifferenceGroup] = []
    /// The calls whose status was not as recorded, by replayed status and message (most frequent first).
    public var failureGroups: [FailureGroup] = []
    /// Differences past the group limit, counted but not grouped.
    public var ungroupedDifferences = 0
    /// Calls that never reached the server (no connection, connection lost before the call went out).
    public var unreachedCalls = 0
    /// The rules, as written, that changed no comparison (empty without a check).
    public var unusedRules: [String] = []
    /// What happened to the connections: lost, replaced, failed attempts.
    public var connections = ReconnectingConnection.Counters()

    /// An empty result.
    public init() {}

    /// Calls per replayed status code that ended with their recorded status (index as ``statusCounts``).
    public var statusAsRecordedCounts: [Int] {
        methods.reduce(into: Array(repeating: 0, count: 18)) { counts, method in
            for index in counts.indices { counts[index] += method.statusAsRecordedCounts[index] }
        }
    }

    /// Calls per replayed status code (index 0...16; 17: anything else).
    public var statusCounts: [Int] {
        methods.reduce(into: Array(repeating: 0, count: 18)) { counts, method in
            for index in counts.indices { counts[index] += method.statusCounts[index] }
        }
    }
}
