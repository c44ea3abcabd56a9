/// What a replay did: every call's outcome and the mismatches the golden check found.
public struct ReplayResult: Sendable {
    /// The outcomes, in the order calls finished.
    public var outcomes: [CallOutcome]
    /// The mismatches per iteration (see `CallOutcome.iteration`; only calls that differ), when checked.
    public var mismatches: [Int: [Mismatch]]
    /// Calls the schedule dropped (every slot busy).
    public var dropped: Int
    /// How long the replay took.
    public var elapsed: Duration
    /// Whether a threshold or a signal stopped it early.
    public var stoppedEarly: Bool

    /// A result from its parts.
    public init(
        outcomes: [CallOutcome], mismatches: [Int: [Mismatch]], dropped: Int, elapsed: Duration,
        stoppedEarly: Bool
    ) {
        self.outcomes = outcomes
        self.mismatches = mismatches
        self.dropped = dropped
        self.elapsed = elapsed
        self.stoppedEarly = stoppedEarly
    }

    /// Replayed calls whose outcome differs from the recording (`mismatches` keeps the first ones' details).
    public var mismatchedCalls: Int { max(mismatchCount, mismatches.count) }
    var mismatchCount = 0
    /// Calls that ended with a status other than OK (or none).
    public var failedCalls: Int { outcomes.count { $0.code != 0 } }
}
