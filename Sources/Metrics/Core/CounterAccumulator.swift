/// A counter's exact state: the integer sum and how many samples made it (0 means "never observed").
public struct CounterAccumulator: Sendable, Equatable {
    /// Sum of the recorded increments.
    public var value: Int64 = 0
    /// Number of recorded samples.
    public var samples: UInt64 = 0

    /// An empty counter.
    @inlinable public init() {}

    /// Creates a counter with a known state (used when reading summaries).
    public init(value: Int64, samples: UInt64) {
        self.value = value
        self.samples = samples
    }

    /// Adds one sample.
    @inlinable @inline(__always)
    public mutating func record(_ delta: Int64) {
        value &+= delta
        samples &+= 1
    }

    /// Adds another counter's state; exact and order-independent.
    public mutating func merge(_ other: CounterAccumulator) {
        value &+= other.value
        samples &+= other.samples
    }

    /// Whether any sample was recorded.
    public var isEmpty: Bool { samples == 0 }
}
