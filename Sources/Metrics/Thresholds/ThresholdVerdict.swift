/// The outcome of one threshold at one evaluation.
public struct ThresholdResult: Sendable, Equatable {
    /// The metric or sub-metric as written (`grpc_req_duration{method:Get}`).
    public var selector: MetricSelector
    /// The expression as written.
    public var source: String
    /// Whether it held.
    public var ok: Bool
    /// The reduced value it was compared with (0 for a rate without samples, whose thresholds pass as in k6).
    public var observed: Double
}

/// The result of evaluating every threshold: which passed, and the exit code k6 would use.
public struct ThresholdVerdict: Sendable, Equatable {
    /// k6's exit code when thresholds fail.
    public static let failedExitCode: Int32 = 99

    /// Every threshold's result, in definition order.
    public var results: [ThresholdResult]

    /// Whether every threshold held.
    public var passed: Bool { results.allSatisfy(\.ok) }

    /// 0 when every threshold held, 99 otherwise (as `k6 run`).
    public var exitCode: Int32 { passed ? 0 : Self.failedExitCode }

    /// The selectors with a failed threshold, sorted and without repeats (k6's error message lists them).
    public var failedMetrics: [String] {
        Array(Set(results.filter { !$0.ok }.map(\.selector.key))).sorted()
    }

    /// k6's message for a failed run, or `nil` when all passed.
    public var failureMessage: String? {
        guard !passed else { return nil }
        return "thresholds on metrics '\(failedMetrics.joined(separator: ", "))' have been crossed"
    }
}

/// Why the run is being stopped early: a threshold with `abortOnFail` failed after its delay.
public struct ThresholdAbort: Sendable, Equatable, CustomStringConvertible {
    /// The selectors whose thresholds failed in the evaluation that triggered the abort.
    public var failedMetrics: [String]

    public var description: String {
        "thresholds on metrics '\(failedMetrics.joined(separator: ", "))' were crossed; at least one has"
            + " abortOnFail enabled, stopping the test early"
    }
}
