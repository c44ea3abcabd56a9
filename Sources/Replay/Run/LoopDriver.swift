import Engine
import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore
import Synchronization

/// Starts and finishes the replay's calls on one event loop: rate and as-recorded schedules from the
/// loop's ``LoopTicker`` (each firing starts every call that is due), virtual users from each
/// call's end. Outcomes go to the golden check, the metrics and the loop's tally as calls end, and are
/// then dropped. Confined to `eventLoop` once started.
final class LoopDriver: RawCallHandler, @unchecked Sendable {
    let eventLoop: any EventLoop
    let index: Int
    private let shared: RunShared
    private let slots: [ReconnectingConnection]
    private let engineMetrics: EngineMetrics?
    private var sink: MetricsSink?
    private var tally: LoopTally
    private var free: [RawCallRunner] = []
    private var runners: [RawCallRunner] = []
    private var inFlight = 0
    private var schedulingDone = false
    private var finished = false
    /// The schedule's next segment-local iteration to look at.
    private var cursor = 0
    /// The next call of this loop whose time has not come, once found.
    private var pending: (iteration: Int, slot: Int, due: UInt64)?
    private var ticker: LoopTicker?
    private var usersRunning = 0
    private var starting = false
    private var endedWhileStarting = false

    /// The least time between two firings: calls due in between start together, their writes batched,
    /// so a loop wakes up at most this often for the schedule however high the rate (a wake-up per call
    /// costs more than the call itself at 10,000 calls/s).
    private let tick: UInt64
    /// A firing starts the calls due up to this long after it as well as those already due: half a tick,
    /// so a call starts at most half a tick early or late (rounded to the nearest firing, not always up),
    /// and at least 20 µs (a wake-up saved for a few microseconds). At low rates the timer fires at each
    /// call's time and nothing starts early.
    private let window: UInt64
    /// The connections of this loop, for batching their writes.
    private let ownSlots: [ReconnectingConnection]
    /// Their slot numbers.
    private let ownSlotNumbers: [Int]
    /// With `--connections`, every call one firing of a rate schedule starts goes on one of this loop's
    /// connections, and the next firing's on the next: one write and, mostly, one read of answers per
    /// firing instead of one per connection, for the same even spread. Counts the firings that started calls.
    private var firings = 0
    private var batched: [ClientConnection] = []
    /// With fresh connections: the recorded connection each slot's connection now serves, and the calls
    /// waiting for a slot's fresh connection to open (by slot number; only this loop's are used).
    private var servedConnection: [Int?]
    private var waiting: [[Waiting]]

    /// A call started while its slot's fresh connection was being opened.
    private struct Waiting {
        let runner: RawCallRunner
        let intended: UInt64
    }

    init(
        eventLoop: any EventLoop, index: Int, shared: RunShared, slots: [ReconnectingConnection],
        engineMetrics: EngineMetrics?
    ) {
        self.eventLoop = eventLoop
        self.index = index
        self.shared = shared
        self.slots = slots
        self.engineMetrics = engineMetrics
        tally = LoopTally(methodNames: shared.methodNames)
        tick = UInt64(max(shared.tick.nanosecondsClamped, 0))
        window = max(20_000, tick / 2)
        ownSlotNumbers = slots.indices.filter { $0 % shared.loopCount == index }
        ownSlots = ownSlotNumbers.map { slots[$0] }
        servedConnection = Array(repeating: nil, count: shared.freshConnections ? slots.count : 0)
        waiting = Array(repeating: [], count: shared.freshConnections ? slots.count : 0)
    }

    /// Starts the loop's part of the schedule (on the loop).
    func begin() {
        sink = engineMetrics?.sink(on: eventLoop)
        if shared.freshConnections {
            for slot in ownSlotNumbers {
                slots[slot].whenSettled { [unowned self] in startWaiting(on: slot) }
            }
        }
        if case .virtualUsers(let count, _) = shared.schedule {
            let users = shared.segment.users(of: count)
            for user in 0..<users where (user % shared.slotCount) % shared.loopCount == index {
                let runner = makeRunner()
                runner.lane = user % shared.slotCount
                usersRunning += 1
                nextCall(for: runner)
            }
            schedulingDone = true
            finishIfIdle()
        } else {
            ticker = LoopTicker(eventLoop: eventLoop, tick: tick, window: window) { [unowned self] in fire() }
            fire()
        }
    }

    /// No new calls from here on; calls in flight finish (on the loop).
    func stopScheduling() {
        markSchedulingDone()
        finishIfIdle()
    }

    /// Cancels every call still in flight, finishing it with CANCELLED and `message` (on the loop): the
    /// graceful stop is over.
    func interruptInFlight(_ message: String) {
        for runner in runners where runner.isRunning {
            shared.interrupted.add(1, ordering: .relaxed)
            runner.interrupt(message)
        }
        // Calls still waiting for a fresh connection end the same way, never having been sent.
        for slot in waiting.indices where !waiting[slot].isEmpty {
            let entries = waiting[slot]
            waiting[slot].removeAll()
            for entry in entries {
                shared.interrupted.add(1, ordering: .relaxed)
                let ready = shared.calls[entry.runner.tag]
                entry.runner.start(
                    ready.raw, on: nil, intendedStart: entry.intended, expectedStatus: ready.expected,
                    unavailable: GRPCStatus(code: .cancelled, message: message))
            }
        }
    }

    private func markSchedulingDone() {
        if !schedulingDone, !shared.isVirtualUsers { shared.loopsDoneScheduling.add(1, ordering: .relaxed) }
        schedulingDone = true
        ticker?.stop()
    }

    // MARK: Open loop and as recorded

    /// Starts every call of this loop that is due, then sleeps until the next one.
    private func fire() {
        guard !schedulingDone else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        beginBatch()
        defer { endBatch() }
        let firingSlot =
            shared.roundRobin && !ownSlotNumbers.isEmpty ? ownSlotNumbers[firings % ownSlotNumbers.count] : nil
        var started = false
        defer { if started { firings &+= 1 } }
        while !shared.stop.isStopped, let next = pending ?? nextOwnCall() {
            if next.due > now &+ window {
                pending = next
                if ticker?.fire(for: next.due, now: now) == true { return }
                break
            }
            pending = nil
            if shared.begin() {
                inFlight += 1
                started = true
                start(
                    next.iteration, on: firingSlot ?? next.slot, runner: free.popLast() ?? makeRunner(),
                    intended: next.due)
            } else {
                shared.dropped.add(1, ordering: .relaxed)
                tally.drop(offset: Int64(truncatingIfNeeded: next.due &- shared.origin))
                if let sink { shared.metrics?.drop(into: sink) }
            }
        }
        markSchedulingDone()
        finishIfIdle()
    }

    private func beginBatch() {
        for slot in ownSlots {
            if let connection = slot.current() {
                connection.beginBatch()
                batched.append(connection)
            }
        }
    }

    private func endBatch() {
        for connection in batched { connection.endBatch() }
        batched.removeAll(keepingCapacity: true)
    }

    /// The next iteration of this segment whose slot lives on this loop, and when it is due.
    private func nextOwnCall() -> (iteration: Int, slot: Int, due: UInt64)? {
        while true {
            let iteration = shared.segment.iteration(cursor)
            guard let start = shared.startTime(of: iteration) else { return nil }
            cursor += 1
            let slot = shared.slot(of: iteration)
            if slot % shared.loopCount == index {
                return (iteration, slot, shared.origin &+ UInt64(max(start, 0)))
            }
        }
    }

    // MARK: Virtual users

    /// Starts the user's next call; one that ends as it starts (no connection) is followed in this loop,
    /// not by recursion.
    private func nextCall(for runner: RawCallRunner) {
        while let iteration = shared.nextUserIteration(now: NIODeadline.now().uptimeNanoseconds),
            shared.begin()
        {
            inFlight += 1
            starting = true
            endedWhileStarting = false
            start(iteration, on: runner.lane, runner: runner, intended: NIODeadline.now().uptimeNanoseconds)
            starting = false
            if !endedWhileStarting { return }
        }
        usersRunning -= 1
        finishIfIdle()
    }

    // MARK: Calls

    private func makeRunner() -> RawCallRunner {
        let runner = RawCallRunner(
            eventLoop: eventLoop, metrics: engineMetrics, handler: self,
            keepResponses: shared.checker != nil || !shared.recordSinks.isEmpty)
        runner.keepMetadata = shared.checker?.rules.comparesMetadata ?? false
        if case .asRecorded(let speed) = shared.schedule { runner.pacing = speed }
        runner.causalWaitLimit = .nanoseconds(shared.causalWaitLimit.nanosecondsClamped)
        runners.append(runner)
        return runner
    }

    private func start(_ iteration: Int, on slot: Int, runner: RawCallRunner, intended: UInt64) {
        let call = iteration % shared.calls.count
        let ready = shared.calls[call]
        runner.tag = call
        runner.iteration = iteration
        let connection = slots[slot]
        // With fresh connections: behind the calls already waiting for one, in the order they came due.
        if shared.freshConnections,
            connection.isOpening || opensFreshConnection(on: slot, for: ready.plan.recordedConnection)
        {
            waiting[slot].append(Waiting(runner: runner, intended: intended))
            return
        }
        runner.start(
            ready.raw, on: connection.current(), intendedStart: intended, expectedStatus: ready.expected,
            unavailable: connection.unavailableStatus)
    }

    /// Notes that `slot` now carries the recorded connection `recorded`; on the first call of a recorded
    /// connection after another, opens a fresh connection for it. True while the calls must wait for it.
    private func opensFreshConnection(on slot: Int, for recorded: Int) -> Bool {
        defer { servedConnection[slot] = recorded }
        guard let served = servedConnection[slot], served != recorded else { return false }
        slots[slot].replace()
        return slots[slot].isOpening
    }

    /// The slot's fresh connection is up (or its first attempt failed): the calls waiting for it go, in the
    /// order they came due, with one write, up to the first call of a later recorded connection, which
    /// opens the next fresh connection (the recording's connections came faster than they open now).
    private func startWaiting(on slot: Int) {
        guard !waiting[slot].isEmpty else { return }
        let entries = waiting[slot]
        waiting[slot].removeAll()
        let connection = slots[slot]
        let current = connection.current()
        current?.beginBatch()
        defer { current?.endBatch() }
        for (index, entry) in entries.enumerated() {
            let ready = shared.calls[entry.runner.tag]
            let recorded = ready.plan.recordedConnection
            if current == nil {
                servedConnection[slot] = recorded  // the attempt failed: these calls fail as it did
            } else if opensFreshConnection(on: slot, for: recorded) {
                waiting[slot] = Array(entries[index...])
                return
            }
            entry.runner.start(
                ready.raw, on: connection.current(), intendedStart: entry.intended, expectedStatus: ready.expected,
                unavailable: connection.unavailableStatus)
        }
    }

    func rawCallFinished(_ runner: RawCallRunner) {
        account(runner)
        inFlight -= 1
        shared.inFlight.subtract(1, ordering: .relaxed)
        if case .virtualUsers = shared.schedule {
            if starting {
                endedWhileStarting = true
            } else {
                nextCall(for: runner)
            }
        } else {
            free.append(runner)
            finishIfIdle()
        }
    }

    /// Checks the call against its recording and counts it; nothing of it is kept but aggregates, the
    /// first differences and what the record sinks take.
    private func account(_ runner: RawCallRunner) {
        let ready = shared.calls[runner.tag]
        let status = runner.status
        let code = status.code.rawValue
        let reached = runner.reachedServer
        let latency = Int64(truncatingIfNeeded: runner.finishedAt &- runner.intendedStart)
        var statusAsRecorded =
            reached && (ready.expected.map { $0.isMet(by: code, fromServer: runner.statusFromServer) } ?? true)
        var mismatches: [Mismatch]?
        if let checker = shared.checker {
            var outcome = CallOutcome(
                call: runner.tag, iteration: runner.iteration, code: reached ? code : nil, message: status.message,
                responses: runner.responses, failure: reached ? nil : status.description)
            outcome.statusFromServer = runner.statusFromServer
            if runner.keepMetadata {
                outcome.headers = runner.responseHeaders
                outcome.trailers = runner.trailers
            }
            let found = checker.check(ready.plan, outcome)
            statusAsRecorded = !found.contains { $0.isFailure }
            mismatches = found
        }
        let differs = !(mismatches?.isEmpty ?? true)
        let verdict: Timeline.Verdict = !statusAsRecorded ? .failed : differs ? .differ : .asRecorded
        let method = shared.methodNames[ready.method]
        shared.finished.add(1, ordering: .relaxed)
        if !reached { shared.unreached.add(1, ordering: .relaxed) }
        if !statusAsRecorded {
            shared.failed.add(1, ordering: .relaxed)
            tally.fail(
                status: reached ? GoldenChecker.codeName(code) : "never reached the server",
                message: reached ? status.message : status.description,
                example: FailureGroup.Example(
                    method: method, recordedCall: ready.plan.recordedCall, iteration: runner.iteration,
                    expected: GoldenChecker.expectedText(ready.plan)))
        }
        if differs {
            shared.mismatched.add(1, ordering: .relaxed)
            tally.keep(
                CallDifference(
                    call: runner.tag, recordedCall: ready.plan.recordedCall, method: method,
                    iteration: runner.iteration, mismatches: mismatches ?? []),
                method: ready.method, limit: shared.keepMismatches)
        }
        tally.record(
            method: ready.method, verdict: verdict, status: reached ? code : 17,
            offset: Int64(truncatingIfNeeded: runner.intendedStart &- shared.origin), latency: latency)
        if !shared.recordSinks.isEmpty {
            let record = CallRecord(
                call: runner.tag, recordedCall: ready.plan.recordedCall, method: method, iteration: runner.iteration,
                recordedCode: ready.plan.expected.code, recordedMessage: ready.plan.expected.message,
                recordedEnd: ready.plan.expectedEnd,
                code: reached ? code : nil, message: reached ? status.message : "",
                failure: reached ? nil : status.description, latencyNanoseconds: latency,
                verdict: !statusAsRecorded ? .failed : differs ? .differs : .matched, mismatches: mismatches ?? [],
                responses: runner.responses)
            for sink in shared.recordSinks { sink.record(record) }
        }
        if let sink, let metrics = shared.metrics {
            let scheduled: Bool
            if case .virtualUsers = shared.schedule { scheduled = false } else { scheduled = true }
            metrics.record(
                into: sink, nanoseconds: latency,
                lateness: scheduled ? max(0, Int64(bitPattern: runner.startedAt &- runner.intendedStart)) : nil,
                statusOK: statusAsRecorded, messagesOK: mismatches.map { $0.isEmpty })
        }
    }

    private func finishIfIdle() {
        guard !finished, schedulingDone, inFlight == 0, usersRunning == 0 else { return }
        finished = true
        for runner in runners { runner.release() }
        runners = []
        free = []
        shared.loopFinished(tally)
    }
}
