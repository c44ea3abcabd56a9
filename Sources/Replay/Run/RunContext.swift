import Engine

/// One run of a replay: starts calls as the schedule says, on the clients in turn, and checks them.
struct RunContext: Sendable {
    let plan: ReplayPlan
    let clients: [Client]
    let options: Replayer.Options
    let state: RunState
    let metrics: ReplayMetrics?
    let origin: ContinuousClock.Instant

    func schedule() async {
        switch options.schedule {
        case .asRecorded(let speed):
            await asRecorded(speed: speed)
        case .constantRate(_, _, let maxInFlight), .rampingRate(_, _, let maxInFlight):
            await openLoop(maxInFlight: maxInFlight)
        case .virtualUsers(let count, let limit):
            await virtualUsers(count, limit: limit)
        }
    }

    /// Each call at its recorded offset divided by `speed`, on the client its recorded connection maps to.
    private func asRecorded(speed: Double) async {
        let executor = CallExecutor(metadata: options.metadata, pacing: speed)
        let connectionIndex = Dictionary(
            plan.calls.map(\.recordedConnection).uniqued().enumerated().map { ($1, $0) },
            uniquingKeysWith: { a, _ in a })
        await withTaskGroup(of: Void.self) { group in
            for call in plan.calls {
                if options.stop.isStopped { break }
                let due = origin + call.offset / speed
                if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
                guard let iteration = state.begin() else { continue }
                let client = clients[(connectionIndex[call.recordedConnection] ?? call.index) % clients.count]
                metrics?.setUsers(state.inFlight, max: plan.calls.count)
                group.addTask { await run(call, iteration: iteration, on: client, executor: executor) }
            }
        }
    }

    /// Calls at the schedule's arrival times, in plan order again and again; a call that would exceed
    /// `maxInFlight` is dropped (k6's dropped_iterations).
    private func openLoop(maxInFlight: Int) async {
        let executor = CallExecutor(metadata: options.metadata, pacing: nil)
        await withTaskGroup(of: Void.self) { group in
            var index = 0
            while !options.stop.isStopped, let at = options.schedule.openLoopStart(of: index) {
                let due = origin + at
                if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
                let call = plan.calls[index % plan.calls.count]
                index += 1
                guard let iteration = state.begin(maxInFlight: maxInFlight) else {
                    state.drop()
                    metrics?.drop()
                    continue
                }
                metrics?.setUsers(state.inFlight, max: maxInFlight)
                let client = clients[iteration % clients.count]
                group.addTask { await run(call, iteration: iteration, on: client, executor: executor) }
            }
        }
    }

    /// `count` users, each starting the next call when its last one ends.
    private func virtualUsers(_ count: Int, limit: Schedule.Limit) async {
        let executor = CallExecutor(metadata: options.metadata, pacing: nil)
        metrics?.setUsers(count, max: count)
        await withTaskGroup(of: Void.self) { group in
            for user in 0..<count {
                let client = clients[user % clients.count]
                group.addTask {
                    while !options.stop.isStopped {
                        if case .duration(let duration) = limit, ContinuousClock.now - origin >= duration { break }
                        guard let iteration = state.begin() else { break }
                        if case .iterations(let total) = limit, iteration >= total {
                            state.cancelBegin()
                            break
                        }
                        await run(
                            plan.calls[iteration % plan.calls.count], iteration: iteration, on: client,
                            executor: executor)
                    }
                }
            }
        }
        metrics?.setUsers(0, max: count)
    }

    private func run(_ call: PlannedCall, iteration: Int, on client: Client, executor: CallExecutor) async {
        var outcome = await executor.run(call, on: client, startedAt: ContinuousClock.now - origin)
        outcome.iteration = iteration
        let mismatches = options.checker?.check(call, outcome)
        state.finish(outcome, mismatches: mismatches)
        metrics?.record(outcome, mismatches: mismatches)
    }
}

extension Sequence where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
