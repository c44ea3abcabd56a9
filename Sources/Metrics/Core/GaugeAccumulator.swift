/// A gauge's state: the last value set and the smallest and largest seen.
///
/// Gauges (vus, vus_max) are set rarely, through the registry, never from sinks. Merging the gauges of
/// several processes adds them (each process contributes its own VUs): the merged value, min and max are
/// the sums of the parts. The merged max is exact when the processes peak together and an upper bound
/// otherwise.
public struct GaugeAccumulator: Sendable, Equatable {
    /// The last value set.
    public var value: Double = 0
    /// The smallest value set (0 when never set).
    public var min: Double = 0
    /// The largest value set, starting from 0 like k6.
    public var max: Double = 0
    /// Number of times the gauge was set.
    public var samples: UInt64 = 0

    /// An empty gauge.
    public init() {}

    /// Creates a gauge with a known state (used when reading summaries).
    public init(value: Double, min: Double, max: Double, samples: UInt64) {
        self.value = value
        self.min = min
        self.max = max
        self.samples = samples
    }

    /// Sets the gauge.
    public mutating func record(_ newValue: Double) {
        value = newValue
        if newValue > max { max = newValue }
        if newValue < min || samples == 0 { min = newValue }
        samples &+= 1
    }

    /// Adds another process's gauge (see the type's note on what merging means).
    public mutating func merge(_ other: GaugeAccumulator) {
        guard other.samples > 0 else { return }
        guard samples > 0 else {
            self = other
            return
        }
        value += other.value
        min += other.min
        max += other.max
        samples &+= other.samples
    }

    /// Whether the gauge was ever set.
    public var isEmpty: Bool { samples == 0 }
}
