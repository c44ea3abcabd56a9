import Foundation
import NIOCore
import Recording
import Synchronization
import Tap

/// The recording side of the proxy: event loops hand it the bytes they relay (``submit(_:)``) and go on;
/// its own thread decodes HTTP/2 with one ``PassiveHTTP2Decoder`` per connection, reassembles messages,
/// decodes them, redacts and writes through a ``RecordingSession``.
///
/// The queue between them is bounded by bytes. When the disk (or decoding) is slower than the traffic and
/// the queue passes ``Configuration/maxQueuedBytes``, the recorder closes the proxy's ``ReadGate``: every
/// connection stops reading until the queue is back under half, so traffic slows to what can be
/// recorded. Nothing is dropped and memory stays bounded; ``RecorderStatistics/pauses`` counts how often
/// that happened. If writing fails (disk full), the recorder stops and reports the error through
/// `onFailure`: a recording with a silent gap is worse than none.
public final class ProxyRecorder: @unchecked Sendable {
    /// Limits of the recorder.
    public struct Configuration: Sendable {
        /// Bytes that may wait for the recorder before reading pauses.
        public var maxQueuedBytes = 32 * 1024 * 1024
        /// The largest message reassembled and decoded; larger ones are recorded with a decode error.
        public var maxMessageSize = 64 * 1024 * 1024
        /// Which calls are recorded (all by default); the others are still relayed untouched.
        public var methodFilter = MethodFilter.all

        /// The defaults.
        public init() {}
    }

    private struct Shared {
        var queue: [RecorderInput] = []
        var queuedBytes = 0
        var finishing = false
        /// The recorder thread waits on the condition (it naps between batches while traffic flows).
        var sleeping = false
        var statistics = RecorderStatistics()
        var failure: RecordingWriteError?
    }

    let gate = ReadGate()
    private let configuration: Configuration
    private let condition = NSCondition()
    private var shared = Shared()  // guarded by `condition`
    private let done = DispatchSemaphore(value: 0)
    private let startUptime: Atomic<UInt64>
    private let onFailure: @Sendable (RecordingWriteError) -> Void

    // Set once by `start(session:)` (before the thread starts), then confined to the recorder thread.
    private var session: RecordingSession!
    private var tap: TapRecorder!
    private var started = false
    private let noticeHandlers = Mutex<[@Sendable (String) -> Void]>([])

    /// A recorder that queues events until ``start(session:)``. `onFailure` runs once, on the recorder
    /// thread, if writing fails.
    public init(
        configuration: Configuration = Configuration(),
        onFailure: @escaping @Sendable (RecordingWriteError) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.onFailure = onFailure
        self.startUptime = Atomic(NIODeadline.now().uptimeNanoseconds)
    }

    /// A recorder writing through `session` from now on.
    public convenience init(
        session: sending RecordingSession, configuration: Configuration = Configuration(),
        onFailure: @escaping @Sendable (RecordingWriteError) -> Void = { _ in }
    ) {
        self.init(configuration: configuration, onFailure: onFailure)
        start(session: session)
    }

    /// Starts writing through `session` (used only by the recorder's thread from now on); event times
    /// count from now, which should be the header's `created`. Call it once, typically right after the
    /// proxy is bound, so the header can name the bound address.
    public func start(session: sending RecordingSession) {
        condition.lock()
        precondition(!started, "ProxyRecorder.start(session:) called twice")
        started = true
        self.session = session
        tap = TapRecorder(
            session: session, maxMessageSize: configuration.maxMessageSize, methodFilter: configuration.methodFilter
        ) { [self] in notice($0) }
        condition.unlock()
        startUptime.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed)
        let thread = Thread { [self] in
            // Named from inside: on Linux a name set before start is not applied, and one over 15 bytes
            // is refused (the thread would show its parent's name in top and perf).
            Thread.current.name = "reprise-record"
            run()
        }
        thread.start()
    }

    /// Nanoseconds since the recording started (event times; never negative).
    func now() -> Int64 {
        let elapsed = Int64(bitPattern: NIODeadline.now().uptimeNanoseconds &- startUptime.load(ordering: .relaxed))
        return max(elapsed, 0)
    }

    /// What has been recorded so far.
    public var statistics: RecorderStatistics {
        condition.lock()
        defer { condition.unlock() }
        var statistics = shared.statistics
        statistics.pauses = gate.closings
        return statistics
    }

    /// The write error that stopped the recorder, if one did.
    public var failure: RecordingWriteError? {
        condition.lock()
        defer { condition.unlock() }
        return shared.failure
    }

    /// Adds a receiver of the recorder's notices: one sentence each, about a connection whose bytes stopped
    /// being readable or whose peer sent a GOAWAY with an error.
    func addNoticeHandler(_ handler: @escaping @Sendable (String) -> Void) {
        noticeHandlers.withLock { $0.append(handler) }
    }

    private func notice(_ text: String) {
        for handler in noticeHandlers.withLock({ $0 }) { handler(text) }
    }

    /// Queues what an event loop read; never blocks.
    func submit(_ events: [RecorderInput]) {
        guard !events.isEmpty else { return }
        var bytes = 0
        for event in events { bytes += event.queuedBytes }
        condition.lock()
        shared.queue.append(contentsOf: events)
        shared.queuedBytes += bytes
        let overBudget = shared.queuedBytes > configuration.maxQueuedBytes
        if shared.sleeping { condition.signal() }
        condition.unlock()
        if overBudget { gate.close() }
    }

    /// Records what is queued, ends the calls still open with `reason`, and closes the recording. Blocks
    /// until the file is closed.
    public func finish(reason: String = "the recording stopped before the call ended") throws {
        condition.lock()
        guard started else {
            condition.unlock()
            return
        }
        shared.finishing = true
        finishReason = reason
        condition.signal()
        condition.unlock()
        done.wait()
        if let failure { throw failure }
    }

    private var finishReason = ""  // written before `finishing` is set, read by the thread after it

    /// For a process about to exit at once: waits for a write in progress, then blocks all others, so the
    /// file ends with a whole line.
    public func stopNow() {
        condition.lock()
        let session = started ? self.session : nil
        condition.unlock()
        session?.writer.stopWriting()
    }

    // MARK: The recorder thread

    /// How long the recorder naps between batches while traffic flows (a recording is at most this late).
    static let napMicroseconds: UInt32 = 4000
    /// Empty naps before the recorder sleeps until signalled.
    static let idleNaps = 5

    private func run() {
        var batch: [RecorderInput] = []
        while true {
            condition.lock()
            // While traffic flows, nap briefly between batches instead of being woken for every read:
            // one wake-up per read costs the event loop and this thread a context switch each. After
            // `idleNaps` empty naps, sleep until signalled.
            var naps = 0
            while shared.queue.isEmpty, !shared.finishing {
                if naps < Self.idleNaps {
                    naps += 1
                    condition.unlock()
                    usleep(Self.napMicroseconds)
                    condition.lock()
                    continue
                }
                shared.sleeping = true
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: 0.25))
                shared.sleeping = false
                if !signalled {
                    condition.unlock()
                    syncIfIdle()
                    condition.lock()
                }
            }
            swap(&batch, &shared.queue)
            let finishing = shared.finishing && batch.isEmpty
            condition.unlock()
            if finishing { break }

            var bytes = 0
            for input in batch {
                bytes += input.queuedBytes
                decode(input)
            }
            batch.removeAll(keepingCapacity: batch.capacity < 65536)
            let failed = flush()

            condition.lock()
            shared.queuedBytes -= bytes
            let reopen = shared.queuedBytes <= configuration.maxQueuedBytes / 2
            updateStatistics()
            condition.unlock()
            if reopen || failed, !gate.isOpen { gate.open() }
        }
        if failure == nil {
            session.closeAll(reason: finishReason, time: now())
            do {
                try session.writer.close()
            } catch {
                fail(error)
            }
        }
        condition.lock()
        updateStatistics()
        condition.unlock()
        done.signal()
    }

    private func updateStatistics() {
        shared.statistics.calls = session.callsStarted
        shared.statistics.excludedCalls = tap.excludedCalls
        shared.statistics.openCalls = session.openCalls
        shared.statistics.messages = session.messagesRecorded
        shared.statistics.bytesWritten = session.writer.bytesWritten
    }

    /// Writes the batch's lines; returns whether the recorder has failed.
    private func flush() -> Bool {
        if failure != nil { return true }
        do {
            try session.writer.flush()
            return false
        } catch {
            fail(error)
            return true
        }
    }

    private func syncIfIdle() {
        guard failure == nil else { return }
        do { try session.writer.syncIfDue() } catch { fail(error) }
    }

    private func fail(_ error: RecordingWriteError) {
        condition.lock()
        let first = shared.failure == nil
        if first { shared.failure = error }
        condition.unlock()
        if first { onFailure(error) }
    }

    /// Runs one input through the tap and into the recording.
    private func decode(_ input: RecorderInput) {
        if failure != nil { return }
        switch input {
        case .bytes(let connection, let side, let bytes, let time):
            tap.feed(connection: connection, from: side, bytes: bytes, time: time)
        case .closed(let connection, let reason, let time):
            tap.close(connection: connection, reason: reason, time: time)
        case .answeredByProxy(let connection, let stream, let reason, let time):
            tap.record(.answeredByProxy(connection: connection, stream: stream, reason: reason, time: time))
        }
    }
}
