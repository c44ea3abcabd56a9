import Engine
import GRPCWire
import Metrics
import NIOCore
import NIOPosix
import Recording
import Synchronization

/// Drives a ``ReplayPlan`` against a server through the engine's `Client`s on a ``Schedule``, checks
/// each call against its recording, and records k6's metrics.
///
/// ```swift
/// let plan = try ReplayPlan(recording: try Recording.load(path: "recordings/demo.jsonl"))
/// let replayer = try Replayer(plan: plan, target: "127.0.0.1:50051", options: .with {
///     $0.schedule = .asRecorded(speed: 10)
///     $0.connect.plaintext = true
/// })
/// let result = try await replayer.run()
/// print(result.mismatchedCalls)
/// ```
public final class Replayer: Sendable {
    /// How to replay.
    public struct Options: Sendable {
        /// When calls start.
        public var schedule: Schedule = .asRecorded(speed: 1)
        /// Connections the calls are spread over, round robin (a rate schedule's calls that start together
        /// share one, the next ones the next); nil keeps the recording's: recorded connections in use at
        /// the same time get connections of their own, and one that began after another ended takes its
        /// turn on that one (``ConnectionLanes``).
        public var connections: Int?
        /// Whether each recorded connection gets a connection of its own, as its client had: a lane opens a
        /// fresh connection when the calls of the next recorded connection it carries begin, and the one
        /// before closes (with a GOAWAY) once its calls have ended, so the server sees the recording's
        /// connections come and go while no more are open at once than the recording had. Off, a lane's
        /// connection carries the recorded connections that take turns on it. Not with `connections` nor
        /// virtual users (whose calls do not follow the recording's connections).
        public var freshConnections = false
        /// The slice of the schedule this process runs (`--segment i/n`).
        public var segment = ExecutionSegment.whole
        /// How to connect (plaintext, TLS, authority...).
        public var connect = ConnectParams()
        /// Metadata added to every call, replacing recorded values of the same keys.
        public var metadata = Metadata()
        /// Whether to compare calls with the recording; nil only measures.
        public var checker: GoldenChecker?
        /// The least time between two wake-ups of a loop's schedule: calls due within half of it either side
        /// of a wake-up start together, so a call starts at most half a tick late (plus the machine's own
        /// delays) or early (measured then from its actual start). 1.5 ms by default: a call starts within
        /// 0.75 ms of its time, and the loop sleeps between answers a quarter less often than at 1 ms (at
        /// 10,000 calls/s those sleeps cost more CPU than the calls; see the README's replay figures).
        public var tick: Duration = .microseconds(1500)
        /// How long a client message waits for the server messages that preceded it in the recording before
        /// it goes anyway (a server that now answers less must not hang the call).
        public var causalWaitLimit: Duration = .seconds(5)
        /// How long calls still in flight when the schedule ends (or a stop is asked for) may take before
        /// they are cancelled and counted (k6's `gracefulStop`, 30 s by default).
        public var gracefulStop: Duration = .seconds(30)
        /// How long a virtual-user schedule limited by a count of calls may run before it starts no more
        /// calls (k6's `maxDuration`, 10 minutes by default); its calls in flight then have `gracefulStop`.
        /// Other schedules end by their own clock.
        public var maxDuration: Duration = .seconds(600)
        /// Where each ended call goes besides the tallies (`--results`, `--junit`, captures for `--update`).
        public var recordSinks: [any CallRecordSink] = []
        /// Difference details kept (the count is always exact).
        public var keepMismatches = 1_000
        /// Where samples go; nil records none.
        public var metrics: MetricsRegistry?
        /// Called about once a second with the replay's progress.
        public var progress: (@Sendable (ReplayProgress) -> Void)?
        /// Set to stop the replay early (thresholds with abortOnFail, a signal).
        public var stop = StopSignal()

        /// The defaults: as recorded, connections as recorded, TLS, no checks.
        public init() {}

        /// The defaults changed by `configure`.
        public static func with(_ configure: (inout Options) -> Void) -> Options {
            var options = Options()
            configure(&options)
            return options
        }
    }

    /// Stops a replay from outside: no new calls start, calls in flight finish.
    public final class StopSignal: Sendable {
        private let flag = Atomic<Bool>(false)
        /// A signal not yet raised.
        public init() {}
        /// Raises it.
        public func stop() { flag.store(true, ordering: .relaxed) }
        /// Whether it was raised.
        public var isStopped: Bool { flag.load(ordering: .relaxed) }
    }

    /// The plan being replayed.
    public let plan: ReplayPlan
    /// The server, `host:port`.
    public let target: String
    /// The options.
    public let options: Options
    /// The recorded connections' lanes, when the replay keeps the recording's connections.
    let lanes: ConnectionLanes?

    /// A replayer for `plan` against `target`. No schema is needed to send: recorded bytes go out as
    /// they are (the golden check brings its own).
    public init(plan: ReplayPlan, target: String, options: Options) throws(ReplayError) {
        if let connections = options.connections, connections < 1 {
            throw ReplayError("--connections must be at least 1")
        }
        if options.freshConnections {
            if options.connections != nil {
                throw ReplayError(
                    "fresh connections follow the recording's connections: they cannot be spread over a given "
                        + "number of connections as well")
            }
            if case .virtualUsers = options.schedule {
                throw ReplayError(
                    "fresh connections follow the recording's connections, and virtual users keep one connection "
                        + "each: use them with an as-recorded or rate schedule")
            }
        }
        self.plan = plan
        self.target = target
        self.options = options
        lanes = options.connections == nil ? ConnectionLanes(plan.calls) : nil
    }

    /// The connections the calls run on: as many as asked, or as many as the recording had in use at once.
    public var connectionCount: Int {
        options.connections ?? lanes?.count ?? 1
    }

    /// How many connections the recording's calls were made on.
    public var recordedConnectionCount: Int {
        Set(plan.calls.map(\.recordedConnection)).count
    }

    /// Replays the plan; throws only when the replay cannot start (no connection). Failed calls are
    /// outcomes, not errors.
    public func run() async throws(ReplayError) -> ReplayResult {
        // A slice of fewer users than slices can get none; its share of a count of iterations would be lost.
        if case .virtualUsers(let count, .iterations(let iterations)) = options.schedule,
            options.segment.users(of: count) == 0, options.segment.share(of: iterations) > 0
        {
            throw ReplayError(
                "segment \(options.segment) gets none of the \(count) virtual users, so its "
                    + "\(options.segment.share(of: iterations)) of the \(iterations) iterations would never run: give "
                    + "at least \(options.segment.count) virtual users, one per segment")
        }
        let slotCount = connectionCount
        let loopCount = min(slotCount, System.coreCount, Self.loopsNeeded(for: options.schedule))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: loopCount)
        defer { group.shutdownGracefully { _ in } }
        let loops = Array(group.makeIterator())
        let engineMetrics = options.metrics.map { EngineMetrics(registry: $0) }
        let replayMetrics: ReplayMetrics?
        do {
            replayMetrics = try options.metrics.map { try ReplayMetrics(registry: $0) }
        } catch {
            throw ReplayError("\(error)")
        }
        var slots: [ReconnectingConnection] = []
        for index in 0..<slotCount {
            let client = Client(
                configuration: .with {
                    $0.group = loops[index % loopCount]
                    $0.metrics = engineMetrics
                    $0.tags = ["scenario": "replay", "group": ""]
                })
            let slot = ReconnectingConnection(client: client, address: target, params: options.connect)
            do {
                try await slot.connect()
            } catch {
                for slot in slots { await slot.close() }
                await client.close()
                var failure = ReplayError(.unreachable, error.message)
                failure.transportFailure = error.transportFailure
                throw failure
            }
            slots.append(slot)
        }
        let (calls, methodNames): ([ReadyCall], [String])
        do {
            (calls, methodNames) = try prepare(on: slots[0].client, slotCount: slotCount)
        } catch {
            for slot in slots { await slot.close() }
            throw ReplayError("\(error.message)")
        }
        let shared = RunShared(
            calls: calls, methodNames: methodNames, options: options, slotCount: slotCount, loopCount: loopCount,
            metrics: replayMetrics)
        let drivers = loops.enumerated().map { index, loop in
            LoopDriver(eventLoop: loop, index: index, shared: shared, slots: slots, engineMetrics: engineMetrics)
        }
        let users: Int
        if case .virtualUsers(let count, _) = options.schedule {
            users = options.segment.users(of: count)
        } else {
            users = 0
        }
        // Open schedules have no users: `vus` is the most calls in flight in each second (an instant's count
        // would miss calls shorter than the gap between samples), up to what the schedule allows.
        let ceiling = users > 0 ? users : shared.maxInFlight == .max ? plan.calls.count : shared.maxInFlight
        replayMetrics?.setUsers(users, max: ceiling)
        let scheduleEnd = options.schedule.scheduledDuration
        let ticker = Task { [options, plan] in
            var stopped = false
            var interruptAt: Duration?
            var interrupted = false
            var ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                if Task.isCancelled { break }
                let elapsed = Duration.nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds - shared.origin))
                if !stopped, options.stop.isStopped {
                    stopped = true
                    for driver in drivers { driver.eventLoop.execute { driver.stopScheduling() } }
                    interruptAt = min(interruptAt ?? .seconds(Int64.max), elapsed + options.gracefulStop)
                }
                if interruptAt == nil {
                    if shared.isVirtualUsers, scheduleEnd == nil, elapsed >= options.maxDuration {
                        // The users start no more calls from here on (`nextUserIteration`).
                        interruptAt = options.maxDuration + options.gracefulStop
                    } else if let scheduleEnd {
                        interruptAt = scheduleEnd + options.gracefulStop
                    } else if !shared.isVirtualUsers, shared.loopsDoneScheduling.load(ordering: .relaxed) == loopCount {
                        interruptAt = elapsed + options.gracefulStop
                    }
                }
                if !interrupted, let interruptAt, elapsed >= interruptAt {
                    interrupted = true
                    let message =
                        "still in flight \(options.gracefulStop) after the schedule ended (the graceful stop)"
                    for driver in drivers { driver.eventLoop.execute { driver.interruptInFlight(message) } }
                }
                if users == 0, ticks % 4 == 3 {
                    let inFlight = shared.inFlight.load(ordering: .relaxed)
                    let peak = shared.peakInFlight.exchange(inFlight, ordering: .relaxed)
                    replayMetrics?.setUsers(max(peak, inFlight), max: ceiling)
                }
                ticks += 1
                if ticks % 4 == 0 { options.progress?(Self.progress(shared, planned: plan.calls.count)) }
            }
        }
        let tallies = await shared.run {
            for driver in drivers { driver.eventLoop.execute { driver.begin() } }
        }
        ticker.cancel()
        var result = ReplayResult()
        for slot in slots {
            let counts = slot.counts
            result.connections.lost += counts.lost
            result.connections.reconnected += counts.reconnected
            result.connections.failedAttempts += counts.failedAttempts
            result.connections.renewed += counts.renewed
            await slot.close()
        }
        if users > 0 {
            replayMetrics?.setUsers(0, max: users)
        } else {
            // The last part-second's peak (all of a run shorter than a second), then none in flight.
            replayMetrics?.setUsers(shared.peakInFlight.exchange(0, ordering: .relaxed), max: ceiling)
            replayMetrics?.setUsers(0, max: ceiling)
        }
        await engineMetrics?.close()
        let elapsed = Duration.nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds - shared.origin))
        options.progress?(Self.progress(shared, planned: plan.calls.count, elapsed: elapsed))
        result.started = shared.started.load(ordering: .relaxed)
        result.finished = shared.finished.load(ordering: .relaxed)
        result.dropped = shared.dropped.load(ordering: .relaxed)
        result.interrupted = shared.interrupted.load(ordering: .relaxed)
        result.failedCalls = shared.failed.load(ordering: .relaxed)
        result.mismatchedCalls = shared.mismatched.load(ordering: .relaxed)
        result.unreachedCalls = shared.unreached.load(ordering: .relaxed)
        result.unusedRules = options.checker?.unusedRules ?? []
        result.elapsed = elapsed
        result.stoppedEarly = options.stop.isStopped
        result.reachedMaxDuration = shared.reachedMaxDuration.load(ordering: .relaxed)
        LoopTally.merge(tallies, limit: options.keepMismatches, into: &result)
        return result
    }

    /// Event loops a schedule needs: a rate schedule's loop wakes up once per tick whatever it has to do,
    /// so a second loop only pays when one cannot keep up (one loop carries about 25,000 calls/s here;
    /// at 10,000 calls/s a second loop cost a quarter more CPU per call). Others use every core.
    static func loopsNeeded(for schedule: Schedule) -> Int {
        let perLoop = 15_000.0
        switch schedule {
        case .constantRate(let rate, _, _):
            return max(1, Int((rate / perLoop).rounded(.up)))
        case .rampingRate(let start, let stages, _):
            let peak = stages.map(\.target).reduce(start, max)
            return max(1, Int((peak / perLoop).rounded(.up)))
        case .asRecorded, .virtualUsers:
            return .max
        }
    }

    /// Every planned call made ready once: metadata merged, request bytes as `ByteBuffer`s, the client's
    /// steps in recorded order, the slot of its recorded connection (its lane, or with `--connections`
    /// the recorded connections in turn).
    private func prepare(on client: Client, slotCount: Int) throws(EngineError) -> ([ReadyCall], [String]) {
        // A recorded connection's slot: its lane, or with `--connections` its place in order of first use.
        let slotOfConnection =
            lanes?.lane
            ?? Dictionary(
                plan.calls.map(\.recordedConnection).uniqued().enumerated().map { ($1, $0) },
                uniquingKeysWith: { a, _ in a })
        var methodIndex: [String: Int] = [:]
        var methodNames: [String] = []
        var calls: [ReadyCall] = []
        calls.reserveCapacity(plan.calls.count)
        // The user agent: one given with -H for every call, else each call's recorded one. Equal agents share
        // one string, so a connection finds a call's header template by comparing storage, not bytes.
        let givenAgent = options.metadata.first("user-agent")?.text
        var agents: [String: String] = [:]
        for call in plan.calls {
            var metadata = call.metadata
            for entry in options.metadata { metadata.removeAll(entry.key) }
            metadata.add(contentsOf: options.metadata)
            var userAgent = givenAgent ?? call.userAgent
            if let agent = userAgent {
                if let shared = agents[agent] { userAgent = shared } else { agents[agent] = agent }
            }
            let raw = try client.prepareRaw(
                path: call.method, isStream: call.kind != .unary, metadata: metadata, timeout: call.timeout,
                steps: Self.steps(of: call),
                // The recorded client took these messages; twice the largest leaves room for a server that
                // grew its answer, which the check then reports as a difference, not as RESOURCE_EXHAUSTED.
                receiveAtLeast: 2 * (call.expected.responses.map(\.count).max() ?? 0), userAgent: userAgent)
            let method: Int
            if let known = methodIndex[call.methodName] {
                method = known
            } else {
                method = methodNames.count
                methodIndex[call.methodName] = method
                methodNames.append(call.methodName)
            }
            calls.append(
                ReadyCall(
                    plan: call, raw: raw,
                    slot: (slotOfConnection[call.recordedConnection] ?? 0) % slotCount,
                    method: method, offset: call.offset.nanosecondsClamped,
                    expected: call.expectedEnd))
        }
        return (calls, methodNames)
    }

    /// What the client did, in recorded order: each request after the responses that preceded it, then
    /// the half-close (where recorded, else right after the last request) and the cancel, if any (one
    /// that came with the deadline is left to the replayed deadline).
    static func steps(of call: PlannedCall) -> [RawCall.Step] {
        var steps = call.requests.map {
            RawCall.Step(.send(ByteBuffer(bytes: $0.bytes)), afterResponses: $0.afterResponses, notBefore: $0.offset)
        }
        if let halfClose = call.halfClose {
            steps.append(
                RawCall.Step(.halfClose, afterResponses: halfClose.afterResponses, notBefore: halfClose.offset))
        } else if !call.clientEndsRecorded {
            let last = call.requests.last
            steps.append(
                RawCall.Step(.halfClose, afterResponses: last?.afterResponses ?? 0, notBefore: last?.offset ?? .zero))
        }
        // A cancel that came with the deadline is the replayed deadline's to make: it ends the call at the
        // same moment in every schedule, where a cancel step in a schedule that does not pace steps (rates,
        // users) would go out at once and free the server of the work the recorded call gave it.
        if let cancel = call.cancel, !call.cancelledAtDeadline {
            steps.append(RawCall.Step(.cancel, afterResponses: cancel.afterResponses, notBefore: cancel.offset))
        }
        // Acts recorded between messages keep their place: order by recorded time, then by causality.
        return steps.enumerated().sorted {
            ($0.element.notBefore, $0.element.afterResponses, $0.offset)
                < ($1.element.notBefore, $1.element.afterResponses, $1.offset)
        }.map(\.element)
    }

    private static func progress(_ shared: RunShared, planned: Int, elapsed: Duration? = nil) -> ReplayProgress {
        ReplayProgress(
            elapsed: elapsed ?? .nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds - shared.origin)),
            started: shared.started.load(ordering: .relaxed), finished: shared.finished.load(ordering: .relaxed),
            failed: shared.failed.load(ordering: .relaxed), mismatched: shared.mismatched.load(ordering: .relaxed),
            dropped: shared.dropped.load(ordering: .relaxed), planned: planned)
    }
}

extension Sequence where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

/// A snapshot of a running replay, for progress lines.
public struct ReplayProgress: Sendable {
    /// Time since the replay started.
    public var elapsed: Duration
    /// Calls started.
    public var started: Int
    /// Calls finished.
    public var finished: Int
    /// Calls whose status was not as recorded (or that never reached the server).
    public var failed: Int
    /// Calls that differ from the recording.
    public var mismatched: Int
    /// Calls dropped by an arrival-rate schedule.
    public var dropped: Int
    /// Calls in the plan (one pass).
    public var planned: Int
}
