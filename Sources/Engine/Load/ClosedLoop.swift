import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore
import Synchronization

/// A closed-loop load run of one prepared unary call: `total` calls with `concurrency` in flight, spread
/// over several clients (one connection each). Each call is started from the previous one's completion
/// on the connection's event loop, so the loop costs no `Task` and no allocation of its own per call.
///
/// ```swift
/// let outcome = try await ClosedLoop.run(clients: clients, total: 10_000, concurrency: 50) { client in
///     try client.prepare("hello.HelloService/SayHello", request: .json(#"{"greeting":"Bert"}"#))
/// }
/// print(outcome.callsPerSecond)
/// ```
public enum ClosedLoop {
    /// What a run did.
    public struct Outcome: Sendable {
        /// Calls that ended, whatever their status.
        public var calls: Int
        /// Calls per status code (index: the code's number).
        public var statusCounts: [Int]
        /// From the first start to the last completion.
        public var elapsed: Duration

        /// Calls that ended with OK.
        public var succeeded: Int { statusCounts.first ?? 0 }
        /// Calls that ended with any other status.
        public var failed: Int { calls - succeeded }
        /// Completed calls per second of wall time.
        public var callsPerSecond: Double {
            let seconds = elapsed.seconds
            return seconds > 0 ? Double(calls) / seconds : 0
        }
    }

    /// Stops a running loop early (a threshold with `abortOnFail`, an interrupt): calls in flight finish,
    /// no new ones start.
    public final class StopSwitch: Sendable {
        let stopped = Atomic<Bool>(false)
        /// A switch that is not set.
        public init() {}
        /// Stops the loops watching this switch.
        public func stop() { stopped.store(true, ordering: .relaxed) }
        /// Whether `stop()` was called.
        public var isStopped: Bool { stopped.load(ordering: .relaxed) }
    }

    /// Runs `total` calls with `concurrency` in flight, the in-flight calls dealt round-robin to
    /// `clients` (each connected). `prepare` makes each client's call once.
    public static func run(
        clients: [Client], total: Int, concurrency: Int, stop: StopSwitch = StopSwitch(),
        prepare: (Client) throws(EngineError) -> PreparedCall
    ) async throws(EngineError) -> Outcome {
        precondition(!clients.isEmpty, "ClosedLoop needs at least one client")
        let workerCount = max(0, min(concurrency, total))
        guard workerCount > 0 else {
            return Outcome(calls: 0, statusCounts: Array(repeating: 0, count: 17), elapsed: .zero)
        }
        var calls: [PreparedCall] = []
        for client in clients { calls.append(try prepare(client)) }
        let shared = Shared(total: total, workers: workerCount, stop: stop)
        var workers: [Worker] = []
        for index in 0..<workerCount {
            let client = clients[index % clients.count]
            let worker = Worker(shared: shared)
            worker.runner = try client.makeRunner(calls[index % clients.count], handler: worker)
            workers.append(worker)
        }
        let started = ContinuousClock.now
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            shared.finished.withLock { $0 = continuation }
            for worker in workers {
                worker.runner?.eventLoop.execute { worker.next() }
            }
        }
        let elapsed = ContinuousClock.now - started
        var counts = Array(repeating: 0, count: 17)
        for worker in workers {
            // Every worker has stopped (the continuation resumed after the last one), so reading is safe.
            for (code, count) in worker.counts.enumerated() { counts[code] += count }
        }
        return Outcome(calls: counts.reduce(0, +), statusCounts: counts, elapsed: elapsed)
    }

    /// What the workers share: the calls left to start and how many workers are still running.
    final class Shared: Sendable {
        let remaining: Atomic<Int>
        let running: Atomic<Int>
        let stop: StopSwitch
        let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)

        init(total: Int, workers: Int, stop: StopSwitch) {
            remaining = Atomic(total)
            running = Atomic(workers)
            self.stop = stop
        }

        /// Claims one call; false when none are left or the run was stopped.
        func claim() -> Bool {
            guard !stop.isStopped else { return false }
            return remaining.subtract(1, ordering: .relaxed).newValue >= 0
        }

        func workerStopped() {
            guard running.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
            let continuation = finished.withLock { continuation in
                defer { continuation = nil }
                return continuation
            }
            continuation?.resume()
        }
    }

    /// One call in flight at a time; confined to its runner's event loop once started.
    final class Worker: ResponseHandler, @unchecked Sendable {
        let shared: Shared
        var runner: CallRunner?
        var counts = Array(repeating: 0, count: 17)
        private var starting = false
        private var finishedWhileStarting = false

        init(shared: Shared) { self.shared = shared }

        /// Starts calls until one is in flight. A call that ends while it starts (a closed connection
        /// fails it at once) is followed by the next one in this loop, not by recursion, so a dead
        /// connection cannot overflow the stack.
        func next() {
            while shared.claim() {
                starting = true
                finishedWhileStarting = false
                runner?.start()
                starting = false
                if !finishedWhileStarting { return }
            }
            runner = nil  // breaks the runner → handler → runner cycle
            shared.workerStopped()
        }

        func received(_ response: Response, for call: PreparedCall) {
            let code = Int(response.status.rawValue)
            if code >= 0, code < counts.count { counts[code] += 1 }
            if starting {
                finishedWhileStarting = true
            } else {
                next()
            }
        }
    }
}
