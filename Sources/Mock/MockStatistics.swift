import Synchronization

/// What a mock did, per method: calls served, answered from the recording, missed, passed through.
public final class MockStatistics: Sendable {
    /// The counts of one method.
    public struct Counts: Sendable, Hashable, Codable {
        /// Calls received.
        public var served = 0
        /// Calls answered from the recording.
        public var matched = 0
        /// Calls no recorded call matched.
        public var missed = 0
        /// Misses answered by the passthrough server.
        public var passedThrough = 0

        enum CodingKeys: String, CodingKey {
            case served, matched, missed
            case passedThrough = "passed_through"
        }
    }

    /// Lock-free counters of one recorded method (the hot path touches only these).
    final class Counters: Sendable {
        let matched = Atomic<Int>(0)
        let missed = Atomic<Int>(0)
        let passedThrough = Atomic<Int>(0)

        var counts: Counts {
            var counts = Counts()
            counts.matched = matched.load(ordering: .relaxed)
            counts.missed = missed.load(ordering: .relaxed)
            counts.passedThrough = passedThrough.load(ordering: .relaxed)
            counts.served = counts.matched + counts.missed
            return counts
        }
    }

    private let recorded: [String: Counters]
    /// Methods the recording does not have, counted under a lock (they are misses anyway).
    private let others = Mutex<[String: Counts]>([:])

    init(methods: [String]) {
        recorded = Dictionary(uniqueKeysWithValues: methods.map { ($0, Counters()) })
    }

    func counters(_ method: String) -> Counters? { recorded[method] }

    func countUnknown(_ method: String, passedThrough: Bool) {
        others.withLock {
            $0[method, default: Counts()].served += 1
            $0[method, default: Counts()].missed += 1
            if passedThrough { $0[method, default: Counts()].passedThrough += 1 }
        }
    }

    /// The counts so far, by method path (methods never called are left out).
    public var snapshot: [String: Counts] {
        var all = others.withLock { $0 }
        for (method, counters) in recorded {
            let counts = counters.counts
            if counts.served > 0 { all[method] = counts }
        }
        return all
    }
}
