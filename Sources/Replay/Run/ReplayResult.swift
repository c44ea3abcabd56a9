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
    /// Replayed calls whose outcome differs from the recording (`mismatches` keeps the first ones' details).
    public var mismatchedCalls: Int

    /// A result from its parts; `mismatchedCalls` defaults to the calls `mismatches` holds.
    public init(
        outcomes: [CallOutcome], mismatches: [Int: [Mismatch]], dropped: Int, elapsed: Duration,
        stoppedEarly: Bool, mismatchedCalls: Int? = nil
    ) {
        self.outcomes = outcomes
        self.mismatches = mismatches
        self.mismatchedCalls = mismatchedCalls ?? mismatches.count
        self.dropped = dropped
        self.elapsed = elapsed
        self.stoppedEarly = stoppedEarly
    }

    /// Calls that ended with a status other than OK (or none).
    public var failedCalls: Int { outcomes.count { $0.code != 0 } }
}
