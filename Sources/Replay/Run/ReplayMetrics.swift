import Metrics
import Synchronization

/// The replay's own k6 metrics (the engine records the gRPC ones): `iterations` and
/// `iteration_duration` per replayed call, `dropped_iterations`, `vus`/`vus_max`, and two checks,
/// `status is as recorded` and `messages are as recorded`, in `checks`.
///
/// A `MetricsSink` belongs to one thread; replay calls finish on many, so this one sink sits behind a lock.
/// It records a handful of samples per call, next to the engine's per-loop sinks that carry the hot path.
final class ReplayMetrics: Sendable {
    private let registry: MetricsRegistry
    private let sink: Mutex<SinkBox>
    private let statusCheck: RateSeries
    private let messagesCheck: RateSeries
    private let iterations: CounterSeries
    private let iterationDuration: TrendSeries
    private let dropped: CounterSeries
    private let vus: GaugeSeries
    private let vusMax: GaugeSeries

    /// A sink is not Sendable; the box is only ever touched under the lock.
    private struct SinkBox: @unchecked Sendable { let sink: MetricsSink }

    static let statusCheckName = "status is as recorded"
    static let messagesCheckName = "messages are as recorded"

    init(registry: MetricsRegistry) throws {
        self.registry = registry
        sink = Mutex(SinkBox(sink: registry.makeSink()))
        statusCheck = try registry.check(Self.statusCheckName)
        messagesCheck = try registry.check(Self.messagesCheckName)
        let tags: TagSet = ["scenario": "replay", "group": ""]
        iterations = registry.counter(registry.builtin.iterations, tags)
        iterationDuration = registry.trend(registry.builtin.iterationDuration, tags)
        dropped = registry.counter(registry.builtin.droppedIterations, ["scenario": "replay"])
        vus = registry.gauge(registry.builtin.vus)
        vusMax = registry.gauge(registry.builtin.vusMax)
    }

    /// One replayed call: an iteration, and the two checks when the call was compared.
    func record(_ outcome: CallOutcome, mismatches: [Mismatch]?) {
        let nanoseconds =
            Int64(outcome.latency.components.seconds) * 1_000_000_000
            + Int64(outcome.latency.components.attoseconds / 1_000_000_000)
        sink.withLock { box in
            box.sink.add(iterations)
            box.sink.add(iterationDuration, nanoseconds: nanoseconds)
            if let mismatches {
                let statusOK = !mismatches.contains { $0.kind == .status || $0.kind == .failure }
                box.sink.record(check: statusCheck, passed: statusOK)
                box.sink.record(check: messagesCheck, passed: statusOK && mismatches.isEmpty)
            }
        }
    }

    /// A call the schedule could not start (every slot busy).
    func drop() { sink.withLock { $0.sink.add(dropped) } }

    /// The number of virtual users (or calls in flight for open-loop schedules).
    func setUsers(_ count: Int, max: Int) {
        registry.set(vus, to: Double(count))
        registry.set(vusMax, to: Double(max))
    }

    /// Makes the samples visible to thresholds, summaries and outputs.
    func flush() { sink.withLock { $0.sink.flush() } }
}
