import ArgumentParser
import Metrics

/// k6's run outputs, shared by every command that runs load (`call -n`, `replay`): thresholds, JSON lines
/// samples and the summary export.
struct RunOutputOptions: ParsableArguments {
    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp("A k6 threshold 'METRIC=EXPR' (repeatable); a failed one exits 99.", valueName: "threshold"))
    var thresholds: [String] = []

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp("Write every sample in k6's JSON lines format: json=FILE (.gz gzips).", valueName: "output"))
    var outputs: [String] = []

    @Option(
        name: .customLong("summary-export"),
        help: ArgumentHelp("Write the end-of-test summary as JSON to this file.", valueName: "file"))
    var summaryExport: String?

    /// Whether any output was asked for.
    var isEmpty: Bool { thresholds.isEmpty && outputs.isEmpty && summaryExport == nil }

    func validate() throws {
        do {
            _ = try configuration()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The metrics run these options ask for.
    func configuration() throws -> MetricsRunConfiguration {
        try MetricsRunConfiguration(
            thresholdArguments: thresholds, outputArguments: outputs, summaryExport: summaryExport)
    }
}
