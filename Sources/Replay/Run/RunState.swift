import Synchronization

/// The counters and outcomes of a running replay, shared by the calls in flight.
final class RunState: Sendable {
    private struct Counts {
        var started = 0
        var finished = 0
        var failed = 0
        var dropped = 0
        var inFlight = 0
        var outcomes: [CallOutcome] = []
        var mismatches: [Int: [Mismatch]] = [:]
        var mismatched = 0
    }

    private let counts = Mutex(Counts())
    private let keep: Int

    init(keep: Int) { self.keep = keep }

    /// Takes the next iteration number if fewer than `maxInFlight` calls are running; nil otherwise.
    func begin(maxInFlight: Int = .max) -> Int? {
        counts.withLock { counts in
            guard counts.inFlight < maxInFlight else { return nil }
            counts.inFlight += 1
            defer { counts.started += 1 }
            return counts.started
        }
    }

    /// Gives back a number `begin` handed out for a call that will not run (the limit was reached).
    func cancelBegin() { counts.withLock { $0.inFlight -= 1 } }

    /// The number of calls running now.
    var inFlight: Int { counts.withLock { $0.inFlight } }

    func drop() { counts.withLock { $0.dropped += 1 } }

    func finish(_ outcome: CallOutcome, mismatches: [Mismatch]?) {
        counts.withLock { counts in
            counts.inFlight -= 1
            counts.finished += 1
            if outcome.code != 0 { counts.failed += 1 }
            counts.outcomes.append(outcome)
            if let mismatches, !mismatches.isEmpty {
                counts.mismatched += 1
                if counts.mismatches.count < keep { counts.mismatches[outcome.iteration] = mismatches }
            }
        }
    }

    func progress(elapsed: Duration, planned: Int) -> ReplayProgress {
        counts.withLock {
            ReplayProgress(
                elapsed: elapsed, started: $0.started, finished: $0.finished, failed: $0.failed,
                mismatched: $0.mismatched, dropped: $0.dropped, planned: planned)
        }
    }

    func result(elapsed: Duration, stopped: Bool) -> ReplayResult {
        counts.withLock {
            ReplayResult(
                outcomes: $0.outcomes, mismatches: $0.mismatches, dropped: $0.dropped, elapsed: elapsed,
                stoppedEarly: stopped, mismatchedCalls: $0.mismatched)
        }
    }
}
