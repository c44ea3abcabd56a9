import ArgumentParser
import Metrics

/// `reprise call`'s load mode: how many calls, how many at once, on how many connections, and k6's
/// thresholds, outputs and summary export.
struct CallLoadOptions: ParsableArguments {
    @Option(
        name: [.customShort("n"), .customLong("total")],
        parsing: .unconditional, help: ArgumentHelp("Run the call this many times (load mode).", valueName: "total"))
    var total: Int?

    @Option(
        name: [.customShort("c"), .customLong("concurrency")],
        help: ArgumentHelp("Calls in flight at once in load mode.", valueName: "n"))
    var concurrency = 1

    @Option(help: ArgumentHelp("Connections the calls are spread over in load mode.", valueName: "k"))
    var connections = 1

    @Flag(help: "In load mode print one JSON object (calls, calls per second, latency percentiles) instead of text.")
    var json = false

    @OptionGroup var outputs: RunOutputOptions

    /// Whether the command runs in load mode.
    var isLoad: Bool { total != nil }

    func validate() throws {
        if let total, total < 1 { throw ValidationError("-n must be at least 1.") }
        if concurrency < 1 { throw ValidationError("-c must be at least 1.") }
        if connections < 1 { throw ValidationError("--connections must be at least 1.") }
        if connections > concurrency { throw ValidationError("--connections must not exceed -c (idle connections).") }
        if !isLoad, !outputs.isEmpty || json {
            throw ValidationError(
                "--threshold, --out, --summary-*, --metrics-listen and --json need load mode (-n TOTAL).")
        }
    }

    /// The metrics run these options ask for.
    func configuration() throws -> MetricsRunConfiguration { try outputs.configuration() }
}
