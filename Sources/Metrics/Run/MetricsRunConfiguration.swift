/// What a load run asks of Metrics, straight from the command line.
public struct MetricsRunConfiguration: Sendable {
    /// Thresholds from `--threshold` (and any other source).
    public var thresholds: [ThresholdSet]
    /// Outputs from `--out`.
    public var outputs: [OutputOption]
    /// Where `--summary-export` writes the summary JSON, if anywhere.
    public var summaryExportPath: String?
    /// How the summary shows values.
    public var summaryOptions: SummaryOptions

    /// Creates a configuration from parsed values.
    public init(
        thresholds: [ThresholdSet] = [], outputs: [OutputOption] = [], summaryExportPath: String? = nil,
        summaryOptions: SummaryOptions = .default
    ) {
        self.thresholds = thresholds
        self.outputs = outputs
        self.summaryExportPath = summaryExportPath
        self.summaryOptions = summaryOptions
    }

    /// Parses the raw option values: repeated `--threshold 'METRIC=EXPR'`, repeated `--out json=FILE`,
    /// `--summary-export FILE`, and optionally `--summary-trend-stats` and `--summary-time-unit`.
    public init(
        thresholdArguments: [String], outputArguments: [String] = [], summaryExport: String? = nil,
        summaryTrendStats: String? = nil, summaryTimeUnit: String? = nil, noColor: Bool = true
    ) throws {
        var options = SummaryOptions(noColor: noColor)
        if let summaryTrendStats { options.summaryTrendStats = try SummaryOptions.parseTrendStats(summaryTrendStats) }
        if let summaryTimeUnit {
            guard ["s", "ms", "us"].contains(summaryTimeUnit) else {
                throw MetricsError(.invalidOption, "invalid --summary-time-unit '\(summaryTimeUnit)': use s, ms or us")
            }
            options.summaryTimeUnit = summaryTimeUnit
        }
        self.init(
            thresholds: try ThresholdParser.parse(arguments: thresholdArguments),
            outputs: try outputArguments.map(OutputOption.parse), summaryExportPath: summaryExport,
            summaryOptions: options)
    }
}

extension MetricsRunConfiguration {
    /// Checks each threshold's metric and aggregations against the built-in metrics (and those
    /// `defineMetrics` adds), as ``MetricsRun`` does at start-up, without opening any output: for a command
    /// to refuse a threshold before it connects or loads anything.
    public func validateThresholds(defineMetrics: (MetricsRegistry) throws -> Void = { _ in }) throws {
        let registry = MetricsRegistry()
        try defineMetrics(registry)
        for set in thresholds { _ = try ThresholdEvaluator.validate(set, in: registry) }
    }
}
