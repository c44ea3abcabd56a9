import ArgumentParser
import Metrics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reprise metrics merge`: one summary out of the summaries of several processes, exactly.
struct MetricsMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the summaries of several processes of one test into the summary of the whole.",
        discussion: """
            Counts, sums, min/max, histograms (so percentiles), rates and checks add up exactly; gauges add; \
            the duration is the longest; every threshold is evaluated again on the merged data. Prints the \
            k6-style summary and exits 99 when a threshold fails, like k6.

            Example: reprise metrics merge a.json b.json -o all.json
            """
    )

    @Argument(help: "Summary JSON files written with --summary-export.")
    var files: [String]

    @Option(name: [.short, .customLong("output")], help: "Write the merged summary JSON to this file.")
    var output: String?

    @Flag(help: "Print the merged summary JSON instead of the text summary.")
    var json = false

    @Flag(help: "Print nothing; only write --output and set the exit code.")
    var quiet = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one summary file to merge") }
    }

    func run() throws {
        let summaries: [Summary]
        do {
            summaries = try files.map { try Summary.read(from: $0) }
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
        let merged: Summary
        do {
            merged = try Summary.merge(summaries)
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
        if let output {
            do {
                try merged.write(to: output)
            } catch {
                throw CommandError("\(error)", status: .unwritableOutput)
            }
        }
        if !quiet { print(json ? merged.jsonText() : SummaryRenderer(options: merged.options).render(merged)) }
        if !merged.thresholdsPassed {
            printError(
                "thresholds on metrics '\(merged.failedThresholdMetrics.joined(separator: ", "))' have been crossed")
            throw ExitCode(ThresholdVerdict.failedExitCode)
        }
    }

    private func printError(_ message: String) {
        var standardError = StandardError()
        print("error: " + message, to: &standardError)
    }
}

/// Standard error as a text stream.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        bytes.withUnsafeBytes { buffer in
            #if canImport(Glibc)
                _ = Glibc.write(STDERR_FILENO, buffer.baseAddress, buffer.count)
            #else
                _ = Darwin.write(STDERR_FILENO, buffer.baseAddress, buffer.count)
            #endif
        }
    }
}
