import Histogram

/// A trend's state: exact count, sum, min and max, plus an HDR histogram for percentiles. Everything in
/// it merges exactly (integer sums, bucket-wise histogram addition), so the trend of a whole run equals
/// the merge of the trends of its threads and processes.
///
/// Values are fixed-point integers in *raw units* of one millionth of the metric's unit: nanoseconds for
/// time trends (whose unit is the millisecond). The histogram counts values in thousandths of the unit
/// (microseconds for time) with three significant digits: exact to 1 µs below 2.048 ms, and within 1/1024
/// of the value above. See `percentile(_:)` for the resulting accuracy.
public struct TrendAccumulator: Sendable, Equatable {
    /// Raw units per unit of the metric (1 ms = 1,000,000 ns).
    public static let rawPerUnit: Double = 1_000_000
    /// Raw units per histogram unit (1 µs = 1,000 ns).
    public static let rawPerBucketUnit: Int64 = 1000

    @usableFromInline var _count: UInt64 = 0
    @usableFromInline var _sum: Int128 = 0
    @usableFromInline var _minimum: Int64 = .max
    @usableFromInline var _maximum: Int64 = .min
    @usableFromInline var _histogram: Histogram<UInt64>

    /// Number of samples.
    public var count: UInt64 { _count }
    /// Exact sum of the raw values.
    public var sum: Int128 { _sum }
    /// Smallest raw value (`Int64.max` when empty).
    public var minimum: Int64 { _minimum }
    /// Largest raw value (`Int64.min` when empty).
    public var maximum: Int64 { _maximum }
    /// Distribution of the values in histogram units (negative values count as 0).
    public var histogram: Histogram<UInt64> { _histogram }

    /// An empty trend.
    public init() {
        _histogram = Self.histogram(covering: 0, digits: .three)
    }

    /// Creates a trend with a known state (used when reading summaries); `histogram` must hold `count` values.
    public init(count: UInt64, sum: Int128, minimum: Int64, maximum: Int64, histogram: Histogram<UInt64>) {
        _count = count
        _sum = sum
        _minimum = minimum
        _maximum = maximum
        _histogram = histogram
    }

    /// Records one raw value (nanoseconds for time trends).
    @inlinable @inline(__always)
    public mutating func record(_ raw: Int64) {
        _count &+= 1
        _sum &+= Int128(raw)
        if raw < _minimum { _minimum = raw }
        if raw > _maximum { _maximum = raw }
        let bucketValue =
            raw <= 0 ? 0 : (UInt64(raw) &+ UInt64(Self.rawPerBucketUnit / 2)) / UInt64(Self.rawPerBucketUnit)
        if bucketValue > _histogram.highestTrackableValue { widenHistogram(toCover: bucketValue) }
        _histogram.record(bucketValue)
    }

    /// Widens the histogram to count `value`: a histogram of the wider range with this one added in.
    ///
    /// swift-hdr-histogram's own auto-resize appends the new buckets through unspecialised generic code, about
    /// 0.2 µs a bucket: 0.25 ms for a first value of 3 ms, 1 ms for 60 ms, 3.2 ms for a minute (release build),
    /// spent on the event loop whose call was the slow one, and again wherever such a trend is merged. A new
    /// histogram is one zeroed allocation (10 to 170 µs for those ranges), and adding the old one in a loop
    /// over its buckets.
    @usableFromInline
    mutating func widenHistogram(toCover value: UInt64) {
        var wider = Self.histogram(covering: value, digits: _histogram.numberOfSignificantValueDigits)
        wider.add(_histogram)
        _histogram = wider
    }

    /// An empty, auto-resizing histogram whose buckets reach at least `value`, and whose
    /// `highestTrackableValue` is the last value they reach (so `value > highestTrackableValue` says exactly
    /// when it must widen). Its buckets are those of any histogram of the same digits (lowest value 1).
    public static func histogram(covering value: UInt64, digits: SignificantDigits) -> Histogram<UInt64> {
        // The first bucket reaches the power of two at or above 2 * 10^digits, less one (2047 for three
        // digits), each further bucket twice as far.
        var singleUnitRange: UInt64 = 2
        for _ in 0..<digits.rawValue { singleUnitRange *= 10 }
        var top = (UInt64(1) << (64 - (singleUnitRange - 1).leadingZeroBitCount)) - 1
        while top < value, top < UInt64.max / 4 { top = top << 1 | 1 }
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: top, numberOfSignificantValueDigits: digits)
        histogram.autoResize = true
        return histogram
    }

    /// Records a value in the metric's unit (milliseconds for time trends), rounded to a raw unit.
    @inlinable
    public mutating func record(value: Double) {
        record(Self.raw(value))
    }

    /// Converts a value in the metric's unit to raw units (rounded, clamped to Int64).
    @inlinable
    public static func raw(_ value: Double) -> Int64 {
        let scaled = (value * rawPerUnit).rounded()
        if scaled >= 9.2e18 { return .max }
        if scaled <= -9.2e18 { return .min }
        return Int64(scaled)
    }

    /// Adds another trend's samples; exact and order-independent.
    public mutating func merge(_ other: TrendAccumulator) {
        guard other.count > 0 else { return }
        _count &+= other._count
        _sum &+= other._sum
        _minimum = Swift.min(_minimum, other._minimum)
        _maximum = Swift.max(_maximum, other._maximum)
        if other._histogram.max > _histogram.highestTrackableValue { widenHistogram(toCover: other._histogram.max) }
        _histogram.add(other._histogram)
    }

    /// Forgets all samples but keeps the histogram's storage, so the next interval records without allocating.
    public mutating func reset() {
        _count = 0
        _sum = 0
        _minimum = .max
        _maximum = .min
        _histogram.reset()
    }

    /// Whether no sample was recorded.
    public var isEmpty: Bool { count == 0 }

    /// Smallest value in the metric's unit (0 when empty, like k6).
    public var min: Double { count == 0 ? 0 : Double(minimum) / Self.rawPerUnit }
    /// Largest value in the metric's unit (0 when empty, like k6).
    public var max: Double { count == 0 ? 0 : Double(maximum) / Self.rawPerUnit }
    /// Exact sum in the metric's unit.
    public var total: Double { Double(sum) / Self.rawPerUnit }
    /// Mean in the metric's unit (0 when empty).
    public var avg: Double { count == 0 ? 0 : Double(sum) / Double(count) / Self.rawPerUnit }
    /// Median: `percentile(0.5)`.
    public var med: Double { percentile(0.5) }
}
