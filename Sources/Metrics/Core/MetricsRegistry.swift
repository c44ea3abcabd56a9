import Synchronization

/// The run's metrics: definitions, series (a metric with a tag set), and the aggregated totals.
///
/// ## Concurrency model
/// Hot paths never touch the registry. Each event loop (or thread) owns a `MetricsSink` and records into
/// it through pre-resolved `Series` handles: a plain array access, no lock, no allocation. The owner calls
/// `MetricsSink.flush()` on its own thread periodically (every second is plenty) and once at the end;
/// the flush merges the sink's accumulators into the registry's totals under the registry's lock and
/// hands buffered samples to the outputs. Readers (thresholds, summary, Prometheus) take the lock and see
/// everything flushed so far. Defining metrics and resolving handles also take the lock: do it at
/// start-up or cache the handles. Gauges are set through the registry directly (they change rarely).
public final class MetricsRegistry: Sendable {
    let state: Mutex<RegistryState>
    let outputs: [any MetricsOutput]
    /// Handles to the built-in metrics (k6's names, plus grpc_reqs and grpc_req_failed).
    public let builtin: BuiltinMetrics
    /// Whether sinks keep every sample for the outputs (only when an output is attached).
    public var recordsSamples: Bool { !outputs.isEmpty }

    /// Creates a registry with the built-in metrics defined and `outputs` receiving every sample.
    public init(outputs: [any MetricsOutput] = []) {
        var initial = RegistryState()
        builtin = BuiltinMetrics.define(in: &initial)
        state = Mutex(initial)
        self.outputs = outputs
    }

    /// Defines a metric, or returns the existing one when the name is already defined the same way.
    public func define(_ name: String, _ type: MetricType, contains: ValueKind = .default) throws -> Metric {
        guard Metric.isValidName(name) else {
            throw MetricsError(
                .invalidMetric,
                "invalid metric name '\(name)': use up to 128 ASCII letters, digits or underscores, "
                    + "not starting with a digit")
        }
        return try state.withLock { state in
            if let existing = state.metricsByName[name] {
                guard existing.type == type, existing.contains == contains else {
                    throw MetricsError(
                        .invalidMetric,
                        "metric '\(name)' already exists as a \(existing.type.rawValue) of \(existing.contains.rawValue)"
                            + " values; it cannot be redefined as a \(type.rawValue) of \(contains.rawValue) values")
                }
                return existing
            }
            return Self.add(name, type, contains, to: &state)
        }
    }

    static func add(_ name: String, _ type: MetricType, _ contains: ValueKind, to state: inout RegistryState) -> Metric
    {
        let metric = Metric(name: name, type: type, contains: contains, id: Int32(state.metrics.count))
        state.metrics.append(metric)
        state.metricsByName[name] = metric
        return metric
    }

    /// The metric called `name`, if defined.
    public func metric(named name: String) -> Metric? {
        state.withLock { $0.metricsByName[name] }
    }

    /// All defined metrics, in definition order.
    public var metrics: [Metric] {
        state.withLock { $0.metrics }
    }

    /// Creates a sink for one thread or event loop (see the type's concurrency notes).
    public func makeSink() -> MetricsSink {
        MetricsSink(registry: self)
    }
}
