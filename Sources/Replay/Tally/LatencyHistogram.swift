/// Latencies counted in a fixed number of buckets: eight per power of two of microseconds (within 12%),
/// from 1 µs to about 12 days. Its size never changes, however many calls it counts.
public struct LatencyHistogram: Sendable, Hashable {
    static let subBuckets = 8
    static let bucketCount = (40 - 2) * subBuckets

    /// Calls per bucket.
    public private(set) var counts: [UInt32]
    /// Calls counted.
    public private(set) var total = 0
    /// The largest latency counted, in nanoseconds.
    public private(set) var maxNanoseconds: Int64 = 0
    /// The smallest latency counted, in nanoseconds.
    public private(set) var minNanoseconds: Int64 = .max

    /// An empty histogram.
    public init() { counts = Array(repeating: 0, count: Self.bucketCount) }

    /// Counts one latency.
    @inline(__always)
    public mutating func record(nanoseconds: Int64) {
        let value = max(nanoseconds, 0)
        counts[Self.bucket(of: value / 1_000)] &+= 1
        total += 1
        if value > maxNanoseconds { maxNanoseconds = value }
        if value < minNanoseconds { minNanoseconds = value }
    }

    /// Adds another histogram's counts.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.total > 0 else { return }
        for index in counts.indices { counts[index] &+= other.counts[index] }
        total += other.total
        maxNanoseconds = max(maxNanoseconds, other.maxNanoseconds)
        minNanoseconds = min(minNanoseconds, other.minNanoseconds)
    }

    /// The latency below which a fraction `p` (0...1) of the calls fall, in nanoseconds (a bucket's upper
    /// edge, never above the largest latency seen); 0 when empty.
    public func percentile(_ p: Double) -> Int64 {
        guard total > 0 else { return 0 }
        let rank = max(1, Int((Double(total) * p).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += Int(count)
            if seen >= rank { return min(Self.upperMicroseconds(of: index) * 1_000, maxNanoseconds) }
        }
        return maxNanoseconds
    }

    /// The bucket of a latency in microseconds.
    @inline(__always)
    static func bucket(of micros: Int64) -> Int {
        let value = UInt64(max(micros, 0))
        if value < UInt64(subBuckets) { return Int(value) }
        let power = 63 - value.leadingZeroBitCount  // ≥ 3
        let sub = Int((value >> UInt64(power - 3)) & UInt64(subBuckets - 1))
        return min((power - 2) * subBuckets + sub, bucketCount - 1)
    }

    /// The smallest latency in microseconds bucket `index` holds.
    static func lowerMicroseconds(of index: Int) -> Int64 {
        if index < subBuckets { return Int64(index) }
        let power = index / subBuckets + 2
        let sub = index % subBuckets
        return (Int64(subBuckets) + Int64(sub)) << Int64(power - 3)
    }

    /// The first latency in microseconds above bucket `index`.
    static func upperMicroseconds(of index: Int) -> Int64 {
        index + 1 < bucketCount ? lowerMicroseconds(of: index + 1) : .max / 2_000
    }
}
