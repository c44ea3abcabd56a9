import Metrics

/// The replay's own k6 metrics (the engine records the gRPC ones): `iterations` and
/// `iteration_duration` per replayed call, `dropped_iterations`, `vus`/`vus_max`, two checks,
/// `status is as recorded` and `messages are as recorded`, in `checks`, and `replay_start_lateness`: how
/// long after its intended start each call of a rate or as-recorded schedule went out.
///
/// Samples go to the sink of the loop the call ended on (the engine's, flushed with its own samples), so a
/// call costs no lock.
final class ReplayMetrics: Sendable {
    let registry: MetricsRegistry
    private let statusCheck: RateSeries
    private let messagesCheck: RateSeries
    private let iterations: CounterSeries
    private let iterationDuration: TrendSeries
    private let dropped: CounterSeries
    private let lateness: TrendSeries
    private let vus: GaugeSeries
    private let vusMax: GaugeSeries

    static let statusCheckName = "status is as recorded"
    static let messagesCheckName = "messages are as recorded"
    /// The metric of start lateness.
    static let latenessName = "replay_start_lateness"

    init(registry: MetricsRegistry) throws {
        self.registry = registry
        statusCheck = try registry.check(Self.statusCheckName)
        messagesCheck = try registry.check(Self.messagesCheckName)
        let tags: TagSet = ["scenario": "replay", "group": ""]
        iterations = registry.counter(registry.builtin.iterations, tags)
        iterationDuration = registry.trend(registry.builtin.iterationDuration, tags)
        dropped = registry.counter(registry.builtin.droppedIterations, ["scenario": "replay"])
        lateness = registry.trend(try registry.define(Self.latenessName, .trend, contains: .time), tags)
        vus = registry.gauge(registry.builtin.vus)
        vusMax = registry.gauge(registry.builtin.vusMax)
    }

    /// One replayed call: an iteration, its start lateness (open-loop schedules), and the two checks when
    /// the call was compared.
    @inline(__always)
    func record(
        into sink: MetricsSink, nanoseconds: Int64, lateness late: Int64?, statusOK: Bool, messagesOK: Bool?
    ) {
        sink.add(iterations, 1)
        sink.add(iterationDuration, nanoseconds: nanoseconds)
        if let late { sink.add(lateness, nanoseconds: late) }
        if let messagesOK {
            sink.record(check: statusCheck, passed: statusOK)
            sink.record(check: messagesCheck, passed: statusOK && messagesOK)
        }
    }

    /// A call the schedule could not start (every slot busy).
    func drop(into sink: MetricsSink) { sink.add(dropped, 1) }

    /// The number of virtual users (for open-loop schedules, the most calls in flight in the last second).
    func setUsers(_ count: Int, max: Int) {
        registry.set(vus, to: Double(count))
        registry.set(vusMax, to: Double(max))
    }
}
