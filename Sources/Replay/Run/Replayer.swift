import Engine
import GRPCWire
import Metrics
import NIOCore
import NIOPosix
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
        /// Connections (engine clients) the calls are spread over.
        public var connections = 1
        /// How to connect (plaintext, TLS, authority...).
        public var connect = ConnectParams()
        /// Metadata added to every call, replacing recorded values of the same keys.
        public var metadata = Metadata()
        /// Whether to compare calls with the recording; nil only measures.
        public var checker: GoldenChecker?
        /// Mismatch details kept (the count is always exact).
        public var keepMismatches = 1_000
        /// Where samples go; nil records none.
        public var metrics: MetricsRegistry?
        /// Called about once a second with the replay's progress.
        public var progress: (@Sendable (ReplayProgress) -> Void)?
        /// Set to stop the replay early (thresholds with abortOnFail, a signal).
        public var stop = StopSignal()

        /// The defaults: as recorded, one TLS connection, no checks.
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
    private let schema: ClientSchema

    /// A replayer for `plan` against `target`. The recording's embedded schema is used unless `schema` is
    /// given (for recordings without one, or to decode with newer `.proto` files).
    public init(plan: ReplayPlan, target: String, schema: ClientSchema? = nil, options: Options) throws(ReplayError) {
        if let schema {
            self.schema = schema
        } else if let pool = plan.pool {
            do {
                self.schema = try ClientSchema(pool: pool)
            } catch {
                throw ReplayError("the recording's schema cannot be used: \(error)")
            }
        } else {
            throw ReplayError(
                "the recording has no embedded schema; give one with --proto/-I or --protoset")
        }
        for call in plan.calls {
            do {
                _ = try self.schema.method(call.method)
            } catch {
                throw ReplayError("call \(call.recordedCall) of the recording: \(error.message)")
            }
        }
        guard options.connections >= 1 else { throw ReplayError("--connections must be at least 1") }
        self.plan = plan
        self.target = target
        self.options = options
    }

    /// Replays the plan; throws only when the replay cannot start (no connection). Failed calls are
    /// outcomes, not errors.
    public func run() async throws(ReplayError) -> ReplayResult {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(options.connections, System.coreCount))
        defer { group.shutdownGracefully { _ in } }
        let engineMetrics = options.metrics.map { EngineMetrics(registry: $0) }
        let replayMetrics: ReplayMetrics?
        do {
            replayMetrics = try options.metrics.map { try ReplayMetrics(registry: $0) }
        } catch {
            throw ReplayError("\(error)")
        }
        var clients: [Client] = []
        for _ in 0..<options.connections {
            let client = Client(
                schema: schema,
                configuration: .with {
                    $0.group = group
                    $0.metrics = engineMetrics
                    $0.tags = ["scenario": "replay", "group": ""]
                })
            do {
                _ = try await client.connect(target, params: options.connect)
            } catch {
                for client in clients { await client.close() }
                throw ReplayError("cannot connect to \(target): \(error.message)")
            }
            clients.append(client)
        }
        let state = RunState(keep: options.keepMismatches)
        let origin = ContinuousClock.now
        let ticker = Task { [options, plan] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                await engineMetrics?.flush()
                replayMetrics?.flush()
                options.progress?(state.progress(elapsed: ContinuousClock.now - origin, planned: plan.calls.count))
            }
        }
        let context = RunContext(
            plan: plan, clients: clients, options: options, state: state, metrics: replayMetrics, origin: origin)
        await context.schedule()
        ticker.cancel()
        for client in clients { await client.close() }
        await engineMetrics?.close()
        replayMetrics?.flush()
        let elapsed = ContinuousClock.now - origin
        options.progress?(state.progress(elapsed: elapsed, planned: plan.calls.count))
        return state.result(elapsed: elapsed, stopped: options.stop.isStopped)
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
    /// Calls that ended with a status other than OK.
    public var failed: Int
    /// Calls that differ from the recording.
    public var mismatched: Int
    /// Calls dropped by an arrival-rate schedule.
    public var dropped: Int
    /// Calls in the plan (one pass).
    public var planned: Int
}
