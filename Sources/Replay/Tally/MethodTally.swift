/// What one method's replayed calls did: counts by verdict and status, latencies, and the first few
/// differences (the rest only counted).
public struct MethodTally: Sendable {
    /// `pkg.Service/Method`.
    public let method: String
    /// Calls that ended with what was recorded.
    public var asRecorded = 0
    /// Calls whose status was as recorded but whose messages differ.
    public var differ = 0
    /// Calls whose status was not as recorded, or that never reached the server.
    public var failed = 0
    /// Calls per replayed status code (index 0...16; 17: anything else).
    public var statusCounts = Array(repeating: 0, count: 18)
    /// Of those, calls whose status was the recorded one (a recorded NOT_FOUND that came back is a match).
    public var statusAsRecordedCounts = Array(repeating: 0, count: 18)
    /// Latency from each call's intended start to its end.
    public var latency = LatencyHistogram()
    /// The first differences found, in the order their calls ended on each loop.
    public var samples: [CallDifference] = []

    /// Differences kept per method (the count is always exact).
    public static let sampleLimit = 5

    /// An empty tally.
    public init(method: String) { self.method = method }

    /// Calls replayed.
    public var calls: Int { asRecorded + differ + failed }

    mutating func merge(_ other: MethodTally) {
        asRecorded += other.asRecorded
        differ += other.differ
        failed += other.failed
        for index in statusCounts.indices {
            statusCounts[index] += other.statusCounts[index]
            statusAsRecordedCounts[index] += other.statusAsRecordedCounts[index]
        }
        latency.merge(other.latency)
        samples = Array((samples + other.samples).sorted { $0.iteration < $1.iteration }.prefix(Self.sampleLimit))
    }
}

/// One replayed call that differs from its recording.
public struct CallDifference: Sendable, Hashable {
    /// The planned call's index.
    public let call: Int
    /// The call id in the recording.
    public let recordedCall: Int
    /// `pkg.Service/Method`.
    public let method: String
    /// The replay's sequence number of the call (a plan replayed several times repeats `call`).
    public let iteration: Int
    /// What differs.
    public let mismatches: [Mismatch]
}
