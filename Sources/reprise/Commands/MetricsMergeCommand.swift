import ArgumentParser
import Foundation
import Metrics
import ProtoCodec
import Replay

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

            Summaries of `reprise replay --segment i/n` must be the n slices of one test, each once: a slice \
            given twice or a missing one is an error (66; --partial merges what is there, with a warning). \
            Their golden checks add up too: the merge exits 1 when calls differ from the recording, as replay \
            does, and 69 when calls never reached the server.

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

    @Flag(help: "Merge the segments given even when some of the test's are missing (a warning names them).")
    var partial = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one summary file to merge") }
    }

    func run() throws {
        var seen = Set<String>()
        for file in files where !seen.insert(URL(fileURLWithPath: file).standardizedFileURL.path).inserted {
            throw CommandError("\(file) is given twice: its calls would count twice", status: .usage)
        }
        let summaries: [Summary]
        let keys: [ReplaySummaryKeys]
        do {
            summaries = try files.map { try Summary.read(from: $0) }
            keys = try files.map { file in
                do {
                    return try ReplaySummaryKeys(
                        summary: try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: file)))))
                } catch let error as ReplayError {
                    throw CommandError("\(file): \(error.message)", status: .unreadableInput)
                }
            }
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
        try checkSegments(keys)
        let merged: Summary
        do {
            merged = try Summary.merge(summaries)
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
        let goldens = keys.compactMap(\.golden)
        if !goldens.isEmpty, goldens.count < keys.count {
            printError(
                "warning: \(keys.count - goldens.count) of the \(keys.count) summaries did not check calls against the "
                    + "recording (--no-check): the golden totals are the other \(goldens.count)'s", prefix: false)
        }
        let golden = goldens.isEmpty ? nil : GoldenTotals.merge(goldens)
        if let output {
            do {
                try merged.write(to: output)
                if let golden { try Self.add(golden, to: output) }
            } catch {
                throw CommandError("\(error)", status: .unwritableOutput)
            }
        }
        if !quiet {
            if json {
                var text = merged.jsonText()
                if let golden, case .object(var object)? = try? JSONValue(parsing: text) {
                    ReplaySummaryKeys(segment: nil, golden: golden).add(to: &object)
                    text = JSONValue.object(object).jsonString(pretty: true)
                }
                print(text)
            } else {
                print(SummaryRenderer(options: merged.options).render(merged))
                if let golden { print(Self.lines(golden, summaries: goldens.count), terminator: "") }
            }
        }
        if let golden, golden.unreachedCalls > 0 { throw ExitCode(ExitStatus.unavailable.rawValue) }
        if let golden, golden.differingCalls > 0 || golden.failedCalls > 0 {
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        if !merged.thresholdsPassed {
            printError(
                "thresholds on metrics '\(merged.failedThresholdMetrics.joined(separator: ", "))' have been crossed")
            throw ExitCode(ThresholdVerdict.failedExitCode)
        }
    }

    /// Summaries of segments must be the slices of one test, each once, and all of them unless --partial.
    private func checkSegments(_ keys: [ReplaySummaryKeys]) throws {
        let segmented = zip(files, keys).compactMap { file, keys in keys.segment.map { (file, $0) } }
        guard let (firstFile, first) = segmented.first else { return }
        if segmented.count < files.count, let whole = zip(files, keys).first(where: { $0.1.segment == nil })?.0 {
            throw CommandError(
                "\(firstFile) ran segment \(first) of a test but \(whole) ran a whole test: they are not slices of "
                    + "one test", status: .unreadableInput)
        }
        var byIndex: [Int: String] = [:]
        for (file, segment) in segmented {
            guard segment.count == first.count else {
                throw CommandError(
                    "\(firstFile) ran segment \(first) but \(file) ran \(segment): they are not slices of one test",
                    status: .unreadableInput)
            }
            if let other = byIndex[segment.index] {
                throw CommandError(
                    "\(other) and \(file) both ran segment \(segment): its calls would count twice",
                    status: .unreadableInput)
            }
            byIndex[segment.index] = file
        }
        let missing = (0..<first.count).filter { byIndex[$0] == nil }
        guard !missing.isEmpty else { return }
        let names = missing.map { "\($0)/\(first.count)" }.joined(separator: ", ")
        let what =
            "segment\(missing.count == 1 ? "" : "s") \(names) of the test \(missing.count == 1 ? "is" : "are") missing"
        if !partial {
            throw CommandError(
                "\(what): give every segment's summary, or --partial to merge the \(byIndex.count) there are",
                status: .unreadableInput)
        }
        printError("warning: \(what): the merged summary is \(byIndex.count) of \(first.count) slices", prefix: false)
    }

    /// Adds the merged golden totals to the summary file written at `path`.
    private static func add(_ golden: GoldenTotals, to path: String) throws {
        guard
            case .object(var summary) = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        else { return }
        ReplaySummaryKeys(segment: nil, golden: golden).add(to: &summary)
        try AtomicFile.write(Array(JSONValue.object(summary).jsonString(pretty: true).utf8), to: path)
    }

    /// The merged golden check in words, as `reprise replay` ends.
    static func lines(_ golden: GoldenTotals, summaries: Int) -> String {
        var text = "golden check, \(summaries) summar\(summaries == 1 ? "y" : "ies") merged: "
        text +=
            golden.differingCalls == 0
            ? "every call of \(golden.calls) matches the recording\n"
            : "\(golden.differingCalls) of \(golden.calls) calls differ from the recording\n"
        var method = ""
        for group in golden.differences {
            if group.method != method {
                method = group.method
                text += "  \(method)\n"
            }
            text += "    \(group.place): differs in \(group.calls) call\(group.calls == 1 ? "" : "s")\n"
        }
        if golden.failedCalls > 0 {
            text += "\(golden.failedCalls) calls did not end with their recorded status:\n"
            for group in golden.failures {
                text += "  \(group.described): \(group.calls) call\(group.calls == 1 ? "" : "s")\n"
            }
        }
        if golden.unreachedCalls > 0 { text += "\(golden.unreachedCalls) calls never reached the server\n" }
        if !golden.unusedRules.isEmpty {
            text += "rules that matched nothing: \(golden.unusedRules.joined(separator: ", "))\n"
        }
        return text
    }

    private func printError(_ message: String, prefix: Bool = true) {
        StandardStream.error.write((prefix ? "error: " : "") + message + "\n")
    }
}
