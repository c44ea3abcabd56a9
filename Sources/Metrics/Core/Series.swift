/// The kinds of series a sink records into; a phantom parameter of `Series` so handles can't be mixed up.
public protocol SeriesKind: Sendable {}

/// Counter series (`Series<CounterKind>`).
public enum CounterKind: SeriesKind {}
/// Gauge series (`Series<GaugeKind>`).
public enum GaugeKind: SeriesKind {}
/// Rate series (`Series<RateKind>`).
public enum RateKind: SeriesKind {}
/// Trend series (`Series<TrendKind>`).
public enum TrendKind: SeriesKind {}

/// A pre-resolved handle for one metric with one tag set: an index into the sink's accumulators, so
/// recording a sample is an array access with no hashing, locking or allocation.
public struct Series<Kind: SeriesKind>: Hashable, Sendable {
    /// Index in the registry's table for this kind of series.
    public let index: Int32

    /// Wraps an index the registry handed out.
    @inlinable public init(index: Int32) { self.index = index }
}

/// A handle for a counter metric with one tag set.
public typealias CounterSeries = Series<CounterKind>
/// A handle for a gauge metric with one tag set.
public typealias GaugeSeries = Series<GaugeKind>
/// A handle for a rate metric with one tag set.
public typealias RateSeries = Series<RateKind>
/// A handle for a trend metric with one tag set.
public typealias TrendSeries = Series<TrendKind>
