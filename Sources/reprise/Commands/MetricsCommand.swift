import ArgumentParser

/// `reprise metrics`: work with the metrics files of load runs.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Work with load-run metrics (summary files written by --summary-export).",
        subcommands: [MetricsMergeCommand.self]
    )
}
