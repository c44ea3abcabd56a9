/// The replay over time in at most `capacity` buckets: calls, how they ended and their latencies. Buckets
/// start a tenth of a second wide and double (neighbours merged) whenever the run outgrows them, so an
/// hour holds as much as a minute.
public struct Timeline: Sendable, Hashable {
    /// One stretch of time.
    public struct Bucket: Sendable, Hashable {
        /// Calls that ended with what was recorded.
        public var asRecorded = 0
        /// Calls whose status was as recorded but whose messages differ.
        public var differ = 0
        /// Calls whose status was not as recorded (or that never reached the server).
        public var failed = 0
        /// Their latencies.
        public var latency = LatencyHistogram()
        /// Calls due in this stretch that the schedule dropped (too many in flight): not among `calls`.
        public var dropped = 0

        /// Calls in the bucket.
        public var calls: Int { asRecorded + differ + failed }

        mutating func merge(_ other: Bucket) {
            asRecorded += other.asRecorded
            differ += other.differ
            failed += other.failed
            latency.merge(other.latency)
            dropped += other.dropped
        }
    }

    /// How a call ended, for the picture.
    public enum Verdict: Sendable { case asRecorded, differ, failed }

    /// The most buckets kept.
    public static let capacity = 120
    /// The width of each bucket, in nanoseconds.
    public private(set) var width: Int64 = 100_000_000
    /// The buckets, from the run's start.
    public private(set) var buckets: [Bucket] = []

    /// An empty timeline.
    public init() {}

    /// Counts a call that started `offset` nanoseconds into the run.
    public mutating func record(offset: Int64, latency: Int64, _ verdict: Verdict) {
        let index = bucketIndex(offset: offset)
        switch verdict {
        case .asRecorded: buckets[index].asRecorded += 1
        case .differ: buckets[index].differ += 1
        case .failed: buckets[index].failed += 1
        }
        buckets[index].latency.record(nanoseconds: latency)
    }

    /// Counts a call due `offset` nanoseconds into the run that the schedule dropped.
    public mutating func recordDrop(offset: Int64) {
        buckets[bucketIndex(offset: offset)].dropped += 1
    }

    /// The bucket of `offset`, made (and the buckets widened) as needed.
    private mutating func bucketIndex(offset: Int64) -> Int {
        var index = Int(max(offset, 0) / width)
        while index >= Self.capacity {
            halve()
            index = Int(max(offset, 0) / width)
        }
        if index >= buckets.count {
            buckets.append(contentsOf: repeatElement(Bucket(), count: index + 1 - buckets.count))
        }
        return index
    }

    /// Adds another timeline of the same run.
    public mutating func merge(_ other: Timeline) {
        var other = other
        while width < other.width { halve() }
        while other.width < width { other.halve() }
        if other.buckets.count > buckets.count {
            buckets.append(contentsOf: repeatElement(Bucket(), count: other.buckets.count - buckets.count))
        }
        for (index, bucket) in other.buckets.enumerated() { buckets[index].merge(bucket) }
    }

    /// Doubles the width: each pair of neighbours becomes one bucket.
    private mutating func halve() {
        width *= 2
        var merged: [Bucket] = []
        merged.reserveCapacity((buckets.count + 1) / 2)
        var index = 0
        while index < buckets.count {
            var bucket = buckets[index]
            if index + 1 < buckets.count { bucket.merge(buckets[index + 1]) }
            merged.append(bucket)
            index += 2
        }
        buckets = merged
    }
}
