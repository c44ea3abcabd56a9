import Synchronization

/// Where one thread or event loop records samples: no locks and no allocation per sample.
///
/// A sink is not thread-safe and not `Sendable`: create one per event loop (keep it in the loop's
/// storage), record only from that loop, and call `flush()` from that loop periodically and at the end.
/// Until flushed, samples are invisible to thresholds, summaries and outputs.
public final class MetricsSink {
    @usableFromInline let registry: MetricsRegistry
    @usableFromInline var counters: [CounterAccumulator]
    @usableFromInline var rates: [RateAccumulator]
    @usableFromInline var trends: [TrendAccumulator]
    /// Whether samples are kept for outputs; fixed at creation.
    @usableFromInline let recordsSamples: Bool
    @usableFromInline var samples: [RecordedSample]

    init(registry: MetricsRegistry) {
        self.registry = registry
        let sizes = registry.state.withLock { ($0.counters.count, $0.rates.count, $0.trends.count) }
        counters = Array(repeating: CounterAccumulator(), count: sizes.0)
        rates = Array(repeating: RateAccumulator(), count: sizes.1)
        trends = (0..<sizes.2).map { _ in TrendAccumulator() }
        recordsSamples = registry.recordsSamples
        samples = []
        if recordsSamples { samples.reserveCapacity(Self.sampleBufferCapacity) }
    }

    /// Samples kept between flushes before the buffer grows (it is reused afterwards).
    static let sampleBufferCapacity = 16_384

    // MARK: Recording

    /// Records a duration, in nanoseconds, into a time trend (`grpc_req_duration`, `iteration_duration`).
    @inlinable
    public func add(_ series: TrendSeries, nanoseconds: Int64, at time: Int64? = nil) {
        let index = Int(series.index)
        if index >= trends.count { growTrends(to: index) }
        trends[index].record(nanoseconds)
        if recordsSamples { keep(.trend, series.index, Double(nanoseconds) / TrendAccumulator.rawPerUnit, time) }
    }

    /// Records a value in the trend's unit (milliseconds for time trends).
    @inlinable
    public func add(_ series: TrendSeries, _ value: Double, at time: Int64? = nil) {
        let index = Int(series.index)
        if index >= trends.count { growTrends(to: index) }
        trends[index].record(TrendAccumulator.raw(value))
        if recordsSamples { keep(.trend, series.index, value, time) }
    }

    /// Adds `delta` to a counter.
    @inlinable
    public func add(_ series: CounterSeries, _ delta: Int64 = 1, at time: Int64? = nil) {
        let index = Int(series.index)
        if index >= counters.count { growCounters(to: index) }
        counters[index].record(delta)
        if recordsSamples { keep(.counter, series.index, Double(delta), time) }
    }

    /// Records one rate sample: `true` counts as 1, `false` as 0.
    @inlinable
    public func add(_ series: RateSeries, _ passed: Bool, at time: Int64? = nil) {
        let index = Int(series.index)
        if index >= rates.count { growRates(to: index) }
        rates[index].record(passed)
        if recordsSamples { keep(.rate, series.index, passed ? 1 : 0, time) }
    }

    @usableFromInline
    func keep(_ kind: RecordedSample.Kind, _ index: Int32, _ value: Double, _ time: Int64?) {
        samples.append(RecordedSample(kind: kind, index: index, value: value, time: time ?? WallClock.now()))
    }

    // MARK: Growth (first use of a series created after this sink)

    @usableFromInline
    func growTrends(to index: Int) {
        while trends.count <= index { trends.append(TrendAccumulator()) }
    }

    @usableFromInline
    func growCounters(to index: Int) {
        counters.append(contentsOf: repeatElement(CounterAccumulator(), count: index + 1 - counters.count))
    }

    @usableFromInline
    func growRates(to index: Int) {
        rates.append(contentsOf: repeatElement(RateAccumulator(), count: index + 1 - rates.count))
    }
}
