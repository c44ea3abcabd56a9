/// One sample kept for outputs (`--out json`): which series, the value in the metric's unit, and when.
public struct RecordedSample: Sendable, Equatable {
    /// Which table `index` refers to.
    public enum Kind: UInt8, Sendable {
        /// A counter series.
        case counter
        /// A gauge series.
        case gauge
        /// A rate series.
        case rate
        /// A trend series.
        case trend
    }

    /// Which table the series is in.
    public var kind: Kind
    /// The series' index in that table.
    public var index: Int32
    /// The value in the metric's unit (ms for time, bytes for data, 0/1 for rates).
    public var value: Double
    /// Wall-clock time in nanoseconds since the Unix epoch.
    public var time: Int64

    /// Creates a sample.
    @inlinable
    public init(kind: Kind, index: Int32, value: Double, time: Int64) {
        self.kind = kind
        self.index = index
        self.value = value
        self.time = time
    }
}
