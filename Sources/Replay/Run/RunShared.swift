import Engine
import Metrics
import NIOCore
import Synchronization

/// One planned call made ready once for the whole run: its raw call (metadata, deadline, request bytes as
/// `ByteBuffer`s, the client's steps), the connection slot its recorded connection maps to, and what
/// counts as its recorded status.
final class ReadyCall: Sendable {
    let plan: PlannedCall
    let raw: RawCall
    /// The slot of the call's recorded connection.
    let slot: Int
    /// Index into the run's method list.
    let method: Int
    /// The recorded start, nanoseconds after the first call.
    let offset: Int64
    /// How a faithful replay ends: with the recorded status, on the client's side for a call the client
    /// cancelled before the server answered, nil when the recording says neither.
    let expected: ExpectedStatus?

    /// A class, not a struct: each start and end of a call reads it, and a copy of the struct retained
    /// every array and string of the plan.
    init(plan: PlannedCall, raw: RawCall, slot: Int, method: Int, offset: Int64, expected: ExpectedStatus?) {
        self.plan = plan
        self.raw = raw
        self.slot = slot
        self.method = method
        self.offset = offset
        self.expected = expected
    }
}

/// What every loop's driver shares during a run: the calls, the schedule, the counters, and the end.
final class RunShared: Sendable {
    let calls: [ReadyCall]
    let methodNames: [String]
    let schedule: Schedule
    /// Its start times, for rate schedules.
    private let openLoopClock: Schedule.OpenLoopClock?
    /// Whether the schedule is virtual users (a closed loop: its end is its users', not its scheduling's).
    var isVirtualUsers: Bool {
        if case .virtualUsers = schedule { true } else { false }
    }
    let segment: ExecutionSegment
    let slotCount: Int
    let loopCount: Int
    /// `--connections` was given: iteration `j` runs on slot `j % slotCount`, not on its recorded one.
    let roundRobin: Bool
    /// Each recorded connection on a connection of its own (`Replayer.Options.freshConnections`).
    let freshConnections: Bool
    /// The run's start, `NIODeadline` uptime nanoseconds.
    let origin: UInt64
    let stop: Replayer.StopSignal
    let checker: GoldenChecker?
    let recordSinks: [any CallRecordSink]
    let metrics: ReplayMetrics?
    let keepMismatches: Int
    let maxInFlight: Int
    let tick: Duration
    let causalWaitLimit: Duration
    /// `Options.maxDuration` in nanoseconds, for user schedules limited by a count of calls.
    let maxDuration: Int64
    /// Set when such a schedule reached it with calls still to make.
    let reachedMaxDuration = Atomic<Bool>(false)

    let started = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let mismatched = Atomic<Int>(0)
    let unreached = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    /// The most calls in flight since the progress ticker last looked (the `vus` gauge of open schedules).
    let peakInFlight = Atomic<Int>(0)
    /// Calls cancelled because they were still in flight when the graceful stop ended.
    let interrupted = Atomic<Int>(0)
    /// Loops of an open or as-recorded schedule that will start no more calls.
    let loopsDoneScheduling = Atomic<Int>(0)
    /// Virtual users' next segment-local iteration.
    private let nextUserIteration = Atomic<Int>(0)
    private let end: Mutex<End>

    private struct End {
        var loopsRunning: Int
        var tallies: [LoopTally] = []
        var continuation: CheckedContinuation<[LoopTally], Never>?
    }

    init(
        calls: [ReadyCall], methodNames: [String], options: Replayer.Options, slotCount: Int, loopCount: Int,
        metrics: ReplayMetrics?
    ) {
        self.calls = calls
        self.methodNames = methodNames
        schedule = options.schedule
        openLoopClock = options.schedule.openLoopClock
        segment = options.segment
        self.slotCount = slotCount
        self.loopCount = loopCount
        roundRobin = options.connections != nil
        freshConnections = options.freshConnections
        origin = NIODeadline.now().uptimeNanoseconds
        stop = options.stop
        checker = options.checker
        recordSinks = options.recordSinks
        self.metrics = metrics
        keepMismatches = options.keepMismatches
        tick = options.tick
        causalWaitLimit = options.causalWaitLimit
        maxDuration = options.maxDuration.nanosecondsClamped
        if case .constantRate(_, _, let limit) = options.schedule {
            maxInFlight = limit
        } else if case .rampingRate(_, _, let limit) = options.schedule {
            maxInFlight = limit
        } else {
            maxInFlight = .max
        }
        end = Mutex(End(loopsRunning: loopCount))
    }

    /// The slot global iteration `iteration` runs on.
    @inline(__always)
    func slot(of iteration: Int) -> Int {
        roundRobin ? iteration % slotCount : calls[iteration % calls.count].slot
    }

    /// When global iteration `iteration` should start, in nanoseconds from `origin`; nil past the end.
    @inline(__always)
    func startTime(of iteration: Int) -> Int64? {
        switch schedule {
        case .asRecorded(let speed):
            return iteration < calls.count ? Int64(Double(calls[iteration].offset) / speed) : nil
        case .constantRate, .rampingRate:
            return openLoopClock?.start(of: iteration)
        case .virtualUsers:
            return nil
        }
    }

    /// Takes a place among the calls in flight; false when `maxInFlight` are running (the call is dropped).
    @inline(__always)
    func begin() -> Bool {
        let now = inFlight.add(1, ordering: .relaxed).newValue
        if now > maxInFlight {
            inFlight.subtract(1, ordering: .relaxed)
            return false
        }
        // A relaxed look, a store only on a new peak: loops racing may lose one, which a gauge sampled each
        // second can spare.
        if now > peakInFlight.load(ordering: .relaxed) { peakInFlight.store(now, ordering: .relaxed) }
        started.add(1, ordering: .relaxed)
        return true
    }

    /// The next iteration for a virtual user; nil once the limit is reached or the run was stopped.
    func nextUserIteration(now: UInt64) -> Int? {
        guard !stop.isStopped, case .virtualUsers(_, let limit) = schedule else { return nil }
        switch limit {
        case .duration(let duration):
            guard Int64(now &- origin) < duration.nanosecondsClamped else { return nil }
            let iteration = segment.iteration(nextUserIteration.add(1, ordering: .relaxed).oldValue)
            return iteration
        case .iterations(let total):
            guard Int64(now &- origin) < maxDuration else {
                reachedMaxDuration.store(true, ordering: .relaxed)
                return nil
            }
            let iteration = segment.iteration(nextUserIteration.add(1, ordering: .relaxed).oldValue)
            return iteration < total ? iteration : nil
        }
    }

    /// A loop has no more calls to start nor any in flight; the last one ends the run.
    func loopFinished(_ tally: LoopTally) {
        let continuation = end.withLock { end -> CheckedContinuation<[LoopTally], Never>? in
            end.tallies.append(tally)
            end.loopsRunning -= 1
            guard end.loopsRunning == 0 else { return nil }
            defer { end.continuation = nil }
            return end.continuation
        }
        continuation?.resume(returning: end.withLock { $0.tallies })
    }

    /// Waits for every loop to finish; `start` starts them.
    func run(_ start: () -> Void) async -> [LoopTally] {
        await withCheckedContinuation { continuation in
            end.withLock { $0.continuation = continuation }
            start()
        }
    }
}
