/// What a finished run reports: the summary, the threshold verdict, the text to print and the exit code.
public struct RunReport: Sendable {
    /// The summary (also what `--summary-export` wrote).
    public var summary: Summary
    /// Every threshold's final outcome.
    public var verdict: ThresholdVerdict

    /// The k6-style end-of-test summary text.
    public var text: String { SummaryRenderer(options: summary.options).render(summary) }

    /// 0 when all thresholds held, 99 otherwise.
    public var exitCode: Int32 { verdict.exitCode }

    /// k6's error line when thresholds failed (`thresholds on metrics '...' have been crossed`), else nil.
    public var failureMessage: String? { verdict.failureMessage }
}
