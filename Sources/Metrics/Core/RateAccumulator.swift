/// A rate's exact state: how many samples were non-zero out of how many.
public struct RateAccumulator: Sendable, Equatable {
    /// Samples that passed (non-zero).
    public var trues: UInt64 = 0
    /// All samples.
    public var total: UInt64 = 0

    /// An empty rate.
    @inlinable public init() {}

    /// Creates a rate with a known state (used when reading summaries).
    public init(trues: UInt64, total: UInt64) {
        self.trues = trues
        self.total = total
    }

    /// Adds one sample.
    @inlinable @inline(__always)
    public mutating func record(_ passed: Bool) {
        trues &+= passed ? 1 : 0
        total &+= 1
    }

    /// Adds another rate's state; exact and order-independent.
    public mutating func merge(_ other: RateAccumulator) {
        trues &+= other.trues
        total &+= other.total
    }

    /// Whether any sample was recorded.
    public var isEmpty: Bool { total == 0 }

    /// The share of passing samples, 0 when empty (k6's summary value).
    public var rate: Double { total == 0 ? 0 : Double(trues) / Double(total) }
}
