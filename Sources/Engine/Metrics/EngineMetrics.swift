import GRPCWire
import Metrics
import NIOCore
import Synchronization

/// Where the engine records k6's gRPC metrics: one `MetricsSink` per event loop (recording is a few array
/// writes on the loop, no lock), flushed into the registry every `flushInterval` on that loop, together
/// with the bytes each connection sent and received (`data_sent`, `data_received`).
///
/// ```swift
/// let metrics = EngineMetrics(registry: run.registry)
/// let client = Client(configuration: .init(metrics: metrics))
/// ...
/// await metrics.close()   // final flush, before `run.finish`
/// ```
public final class EngineMetrics: Sendable {
    /// The registry samples end up in.
    public let registry: MetricsRegistry
    private let flushInterval: TimeAmount
    private let loops = Mutex<[ObjectIdentifier: LoopMetrics]>([:])

    /// Records into `registry`, flushing each loop's sink every `flushInterval`.
    public init(registry: MetricsRegistry, flushInterval: TimeAmount = .seconds(1)) {
        self.registry = registry
        self.flushInterval = flushInterval
    }

    /// The recorder of `eventLoop`, created (with its flush timer) on first use.
    func loop(_ eventLoop: any EventLoop) -> LoopMetrics {
        let key = ObjectIdentifier(eventLoop)
        let (metrics, created) = loops.withLock { loops -> (LoopMetrics, Bool) in
            if let existing = loops[key] { return (existing, false) }
            let made = LoopMetrics(eventLoop: eventLoop, registry: registry)
            loops[key] = made
            return (made, true)
        }
        if created { metrics.startFlushing(every: flushInterval) }
        return metrics
    }

    /// The sink of `eventLoop`, flushed with the engine's own samples: record into it only on that loop.
    /// Code that runs beside the engine on its loops (the replayer's checks and counters) uses it, so a call
    /// costs no lock.
    public func sink(on eventLoop: any EventLoop) -> MetricsSink {
        loop(eventLoop).sink
    }

    /// Moves everything recorded so far into the registry (each loop flushes on itself).
    public func flush() async {
        for metrics in loops.withLock({ Array($0.values) }) {
            try? await metrics.eventLoop.submit { metrics.flushOnLoop() }.get()
        }
    }

    /// Flushes one last time and stops the timers. Call it before `MetricsRun.finish`.
    public func close() async {
        for metrics in loops.withLock({ Array($0.values) }) {
            try? await metrics.eventLoop.submit { metrics.stopOnLoop() }.get()
        }
    }
}

/// One event loop's sink and the byte counters of the connections on that loop. Confined to `eventLoop`
/// after creation.
final class LoopMetrics: @unchecked Sendable {
    let eventLoop: any EventLoop
    let registry: MetricsRegistry
    let sink: MetricsSink
    private var accounts: [ObjectIdentifier: ByteAccount] = [:]
    private var timer: RepeatedTask?

    /// A connection's byte counter and the series its bytes go to.
    struct ByteAccount {
        let counter: ByteCounter
        let sent: CounterSeries
        let received: CounterSeries
    }

    init(eventLoop: any EventLoop, registry: MetricsRegistry) {
        self.eventLoop = eventLoop
        self.registry = registry
        sink = registry.makeSink()
    }

    func startFlushing(every interval: TimeAmount) {
        eventLoop.execute {
            self.timer = self.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                self.flushOnLoop()
            }
        }
    }

    /// Starts counting a connection's bytes into `data_sent`/`data_received` with `tags`.
    func track(_ counter: ByteCounter, tags: TagSet) {
        let account = ByteAccount(
            counter: counter, sent: registry.counter(registry.builtin.dataSent, tags),
            received: registry.counter(registry.builtin.dataReceived, tags))
        eventLoop.execute { self.accounts[ObjectIdentifier(counter)] = account }
    }

    /// Counts what is left of a connection's bytes and stops tracking it.
    func untrack(_ counter: ByteCounter) {
        eventLoop.execute {
            guard let account = self.accounts.removeValue(forKey: ObjectIdentifier(counter)) else { return }
            self.take(account)
        }
    }

    func flushOnLoop() {
        for account in accounts.values { take(account) }
        sink.flush()
    }

    func stopOnLoop() {
        timer?.cancel()
        timer = nil
        flushOnLoop()
    }

    private func take(_ account: ByteAccount) {
        let (sent, received) = account.counter.take()
        if sent > 0 { sink.add(account.sent, Int64(sent)) }
        if received > 0 { sink.add(account.received, Int64(received)) }
    }
}
