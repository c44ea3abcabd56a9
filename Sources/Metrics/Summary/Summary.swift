/// The end-of-test summary: k6's `handleSummary` data (metrics with values and thresholds, the group
/// tree with checks, options, state) plus each metric's exact state, so summaries of several processes
/// merge into the summary of the whole run.
public struct Summary: Sendable, Equatable {
    /// Metrics and sub-metrics by name as written (`grpc_req_duration`, `grpc_req_duration{method:Get}`).
    public var metrics: [String: SummaryMetric]
    /// The group tree with the checks.
    public var rootGroup: SummaryGroup
    /// How values are shown.
    public var options: SummaryOptions
    /// How long the run lasted.
    public var testRunDuration: Duration
    /// Whether standard output was a terminal (k6's `state.isStdOutTTY`).
    public var isStdOutTTY: Bool
    /// Whether standard error was a terminal (k6's `state.isStdErrTTY`).
    public var isStdErrTTY: Bool

    /// Creates a summary.
    public init(
        metrics: [String: SummaryMetric], rootGroup: SummaryGroup = SummaryGroup(path: .root),
        options: SummaryOptions = .default, testRunDuration: Duration, isStdOutTTY: Bool = false,
        isStdErrTTY: Bool = false
    ) {
        self.metrics = metrics
        self.rootGroup = rootGroup
        self.options = options
        self.testRunDuration = testRunDuration
        self.isStdOutTTY = isStdOutTTY
        self.isStdErrTTY = isStdErrTTY
    }

    /// Whether every threshold in the summary held.
    public var thresholdsPassed: Bool {
        metrics.values.allSatisfy { $0.thresholds.allSatisfy(\.ok) }
    }

    /// 0 when every threshold held, 99 otherwise (k6's exit code).
    public var exitCode: Int32 { thresholdsPassed ? 0 : ThresholdVerdict.failedExitCode }

    /// Names of metrics with a failed threshold, sorted.
    public var failedThresholdMetrics: [String] {
        metrics.filter { !$0.value.thresholds.allSatisfy(\.ok) }.keys.sorted()
    }
}
