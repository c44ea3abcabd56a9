import ArgumentParser
import Metrics

/// `reprise call`'s load mode: how many calls, how many at once, on how many connections, and k6's
/// thresholds, outputs and summary export.
struct CallLoadOptions: ParsableArguments {
    @Option(
        name: [.customShort("n"), .customLong("total")],
        help: ArgumentHelp("Run the call this many times (load mode).", valueName: "total"))
    var total: Int?

    @Option(
        name: [.customShort("c"), .customLong("concurrency")],
        help: ArgumentHelp("Calls in flight at once in load mode.", valueName: "n"))
    var concurrency = 1

    @Option(help: ArgumentHelp("Connections the calls are spread over in load mode.", valueName: "k"))
    var connections = 1

    @Flag(help: "In load mode print one JSON object (calls, calls per second, latency percentiles) instead of text.")
    var json = false

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

    /// Whether the command runs in load mode.
    var isLoad: Bool { total != nil }

    func validate() throws {
        if let total, total < 1 { throw ValidationError("-n must be at least 1.") }
        if concurrency < 1 { throw ValidationError("-c must be at least 1.") }
        if connections < 1 { throw ValidationError("--connections must be at least 1.") }
        if connections > concurrency { throw ValidationError("--connections must not exceed -c (idle connections).") }
        if !isLoad, !thresholds.isEmpty || !outputs.isEmpty || summaryExport != nil || json {
            throw ValidationError("--threshold, --out, --summary-export and --json need load mode (-n TOTAL).")
        }
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
