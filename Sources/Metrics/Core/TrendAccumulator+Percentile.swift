import Histogram

extension TrendAccumulator {
    /// The percentile `p` (0...1) by k6's definition: over the sorted samples x[0..n-1], `i = p·(n−1)` and
    /// `x[⌊i⌋] + (x[⌈i⌉] − x[⌊i⌋])·frac(i)`; 0 when empty and the sample itself when there is one.
    ///
    /// x[0] and x[n−1] are the exact min and max; other ranks take the middle of their histogram bucket,
    /// clamped to [min, max]. Each such x[k] is within 0.5 µs + x[k]/2048 of the true sample (values in ms
    /// with µs resolution: exact to the microsecond below 2.048 ms, 0.05% above), and so is the result.
    public func percentile(_ p: Double) -> Double {
        guard count > 0 else { return 0 }
        if count == 1 { return min }
        let position = Swift.min(Swift.max(p, 0), 1) * Double(count - 1)
        let lowerRank = UInt64(position.rounded(.down))
        let upperRank = UInt64(position.rounded(.up))
        let fraction = position - Double(lowerRank)
        let (lower, upper) = rankedValues(lowerRank, upperRank)
        return lower + (upper - lower) * fraction
    }

    /// The values (in the metric's unit) at two 0-based ranks of the sorted samples, `first <= second`.
    func rankedValues(_ first: UInt64, _ second: UInt64) -> (Double, Double) {
        var firstValue: Double?
        var secondValue: Double?
        var seen: UInt64 = 0
        for bucket in histogram.recordedValues() {
            let end = seen + bucket.count  // ranks seen ..< end live in this bucket
            if firstValue == nil, first < end { firstValue = value(atRank: first, bucketValue: bucket.value) }
            if second < end {
                secondValue = value(atRank: second, bucketValue: bucket.value)
                break
            }
            seen = end
        }
        let fallback = max
        return (firstValue ?? fallback, secondValue ?? fallback)
    }

    private func value(atRank rank: UInt64, bucketValue: UInt64) -> Double {
        if rank == 0 { return min }
        if rank == count - 1 { return max }
        let lowest = histogram.lowestEquivalentForValue(bucketValue)
        let highest = histogram.highestEquivalentForValue(bucketValue)
        let middle = (Double(lowest) + Double(highest)) / 2 * Double(Self.rawPerBucketUnit) / Self.rawPerUnit
        return Swift.min(Swift.max(middle, min), max)
    }
}
