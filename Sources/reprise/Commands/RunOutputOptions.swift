import ArgumentParser
import Foundation
import Metrics
import MetricsExporter

/// k6's run outputs, shared by every command that runs load (`call -n`, `replay`): thresholds, JSON lines
/// samples and the summary export.
struct RunOutputOptions: ParsableArguments {
    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp("A k6 threshold 'METRIC=EXPR' (repeatable); a failed one exits 99.", valueName: "threshold"))
    var thresholds: [String] = []

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp(
            "Write every sample as k6 does: json=FILE (k6's JSON lines) or csv=FILE (k6's CSV; "
                + "csv=fileName=FILE,timeFormat=unix|unix_nano|rfc3339); .gz gzips. Repeatable.", valueName: "output"))
    var outputs: [String] = []

    @Option(
        name: .customLong("summary-export"),
        help: ArgumentHelp("Write the end-of-test summary as JSON to this file.", valueName: "file"))
    var summaryExport: String?

    @Option(
        name: .customLong("summary-trend-stats"),
        help: ArgumentHelp(
            "The summary's trend columns, as k6's: avg, min, med, max, count, p(N), comma-separated (default: "
                + "avg,min,med,max,p(90),p(95)); --summary-export keeps them too.",
            valueName: "stats"))
    var summaryTrendStats: String?

    @Option(
        name: .customLong("summary-time-unit"),
        help: ArgumentHelp(
            "Show every time in the summary in this unit: s, ms or us (default: each value's own).",
            valueName: "unit"))
    var summaryTimeUnit: String?

    @Option(
        name: .customLong("metrics-listen"),
        help: ArgumentHelp(
            "While the run lasts, serve its metrics for Prometheus at http://ADDRESS/metrics (PORT or HOST:PORT; "
                + "127.0.0.1 unless a host is given).",
            valueName: "address"))
    var metricsListen: String?

    /// Whether any output was asked for.
    var isEmpty: Bool {
        thresholds.isEmpty && outputs.isEmpty && summaryExport == nil && summaryTrendStats == nil
            && summaryTimeUnit == nil && metricsListen == nil
    }

    /// Starts the `--metrics-listen` endpoint on `registry`, if asked for, and says where it is on standard
    /// error (as `name:`). Stop it when the run ends.
    func startMetricsEndpoint(registry: MetricsRegistry, name: String) async throws -> MetricsHTTPServer? {
        guard let metricsListen else { return nil }
        let address = try ListenAddress(metricsListen, option: "--metrics-listen")
        let server: MetricsHTTPServer
        do {
            server = try await MetricsHTTPServer.start(registry: registry, host: address.host, port: address.port)
        } catch {
            throw CommandError.cannotListen(on: address, error, option: "--metrics-listen")
        }
        let url = "http://\(hostPort(address.host, server.port))/metrics"
        StandardStream.error.write("\(name): metrics for Prometheus at \(url)\n")
        return server
    }

    func validate() throws {
        if let metricsListen { _ = try ListenAddress(metricsListen, option: "--metrics-listen") }
        if let summaryTrendStats {
            do {
                _ = try SummaryOptions.parseTrendStats(summaryTrendStats)
            } catch {
                throw ValidationError("--summary-trend-stats: \(error)")
            }
        }
        do {
            try configuration().validateThresholds()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The metrics run these options ask for.
    func configuration() throws -> MetricsRunConfiguration {
        try MetricsRunConfiguration(
            thresholdArguments: thresholds, outputArguments: outputs, summaryExport: summaryExport,
            summaryTrendStats: summaryTrendStats, summaryTimeUnit: summaryTimeUnit)
    }
}
