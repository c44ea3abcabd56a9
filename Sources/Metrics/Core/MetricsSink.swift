/// Where one thread or event loop records samples: no locks and no allocation per sample.
///
/// A sink is not thread-safe and not `Sendable`: create one per event loop (keep it in the loop's
/// storage), record only from that loop, and call `flush()` from that loop periodically and at the end.
/// Until flushed, samples are invisible to thresholds, summaries and outputs.
public final class MetricsSink {
    @usableFromInline let registry: MetricsRegistry
    @usableFromInline let counters = SlotTable(empty: CounterAccumulator())
    @usableFromInline let rates = SlotTable(empty: RateAccumulator())
    /// Trends are created on first use: an HDR histogram costs 16 kB.
    @usableFromInline let trends = TrendSlots()
    /// Whether samples are kept for outputs; fixed at creation.
    @usableFromInline let recordsSamples: Bool
    @usableFromInline var samples: [RecordedSample]

    init(registry: MetricsRegistry) {
        self.registry = registry
        recordsSamples = registry.recordsSamples
        samples = []
        if recordsSamples { samples.reserveCapacity(Self.sampleBufferCapacity) }
    }

    /// Samples kept between flushes before the buffer grows (it is reused afterwards).
    static let sampleBufferCapacity = 16_384

    // MARK: Recording

    /// Records a duration, in nanoseconds, into a time trend (`grpc_req_duration`, `iteration_duration`).
    @inlinable @inline(__always)
    public func add(_ series: TrendSeries, nanoseconds: Int64, at time: Int64? = nil) {
        record(series, raw: nanoseconds)
        if recordsSamples { keep(.trend, series.index, Double(nanoseconds) / TrendAccumulator.rawPerUnit, time) }
    }

    /// Records a value in the trend's unit (milliseconds for time trends).
    @inlinable
    public func add(_ series: TrendSeries, _ value: Double, at time: Int64? = nil) {
        record(series, raw: TrendAccumulator.raw(value))
        if recordsSamples { keep(.trend, series.index, value, time) }
    }

    @inlinable @inline(__always)
    func record(_ series: TrendSeries, raw: Int64) {
        trends.slot(Int(series.index)).pointee.record(raw)
    }

    /// Adds `delta` to a counter.
    @inlinable
    public func add(_ series: CounterSeries, _ delta: Int64 = 1, at time: Int64? = nil) {
        counters.slot(Int(series.index)).pointee.record(delta)
        if recordsSamples { keep(.counter, series.index, Double(delta), time) }
    }

    /// Records one rate sample: `true` counts as 1, `false` as 0.
    @inlinable
    public func add(_ series: RateSeries, _ passed: Bool, at time: Int64? = nil) {
        rates.slot(Int(series.index)).pointee.record(passed)
        if recordsSamples { keep(.rate, series.index, passed ? 1 : 0, time) }
    }

    @usableFromInline
    func keep(_ kind: RecordedSample.Kind, _ index: Int32, _ value: Double, _ time: Int64?) {
        samples.append(RecordedSample(kind: kind, index: index, value: value, time: time ?? WallClock.now()))
    }
}
