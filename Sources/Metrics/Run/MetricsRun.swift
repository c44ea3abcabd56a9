/// The metrics side of one load run, wired like `k6 run`: a registry with the outputs attached,
/// thresholds validated at start-up, evaluation while running, and the summary and verdict at the end.
///
///     let run = try MetricsRun(configuration: config) { abort in engine.stop(reason: abort.description) }
///     // per event loop: let sink = run.registry.makeSink(); record; sink.flush() every second and at the end
///     // every 2 s: run.tick(elapsed: clock.now - start)
///     let report = try run.finish(elapsed: clock.now - start)
///     print(report.text); exit(report.exitCode)
public final class MetricsRun: Sendable {
    /// Where samples are recorded (make one sink per event loop from it).
    public let registry: MetricsRegistry
    /// The thresholds, validated.
    public let evaluator: ThresholdEvaluator
    /// The configuration the run started with.
    public let configuration: MetricsRunConfiguration
    private let outputs: [any MetricsOutput]

    /// Opens the outputs, creates the registry, lets `defineMetrics` add custom metrics, and validates the
    /// thresholds (an unknown metric or an unsupported aggregation throws here, before any load).
    public init(
        configuration: MetricsRunConfiguration, defineMetrics: (MetricsRegistry) throws -> Void = { _ in },
        onAbort: @escaping @Sendable (ThresholdAbort) -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        var opened: [any MetricsOutput] = []
        do {
            for output in configuration.outputs { opened.append(try output.open(thresholds: configuration.thresholds)) }
            let registry = MetricsRegistry(outputs: opened)
            try defineMetrics(registry)
            evaluator = try ThresholdEvaluator(registry: registry, sets: configuration.thresholds, onAbort: onAbort)
            self.registry = registry
        } catch {
            for output in opened { try? output.close() }
            throw error
        }
        outputs = opened
    }

    /// Evaluates the thresholds during the run (call it every 2 s); may trigger the abort callback.
    @discardableResult
    public func tick(elapsed: Duration) -> ThresholdVerdict {
        evaluator.tick(elapsed: elapsed)
    }

    /// Ends the run: final threshold evaluation, summary, `--summary-export` file, outputs closed. Flush
    /// every sink first. The report's `exitCode` is 99 when a threshold failed.
    public func finish(elapsed: Duration) throws -> RunReport {
        let snapshot = registry.snapshot()
        let verdict = evaluator.finish(snapshot: snapshot, elapsed: elapsed)
        let summary = Summary.build(
            snapshot: snapshot, thresholds: configuration.thresholds, verdict: verdict, testRunDuration: elapsed,
            options: configuration.summaryOptions)
        var firstError: (any Error)?
        for output in outputs {
            do { try output.close() } catch { firstError = firstError ?? error }
        }
        if let path = configuration.summaryExportPath {
            do { try summary.write(to: path) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
        return RunReport(summary: summary, verdict: verdict)
    }
}
