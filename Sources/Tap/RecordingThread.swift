import Foundation
import Recording

/// The second half of a ``TapRecorder`` split over two threads: the caller's thread decodes HTTP/2 and
/// hands the events over in batches; this thread turns them into lines (messages to JSON, the writer) and
/// writes them out every `flushBytes`. A file import uses it to put both cores to work; the proxy does not
/// (its event loop only relays, and its recorder thread already does all of the tap's work).
///
/// Batches in flight are bounded (`maxBatches`): a producer ahead of the recording waits, so memory is
/// bounded by the batches, not by the capture.
///
/// Unchecked `Sendable`: the queue and flags are only touched under `condition`; `record` and `writer` only
/// by the recording thread while it runs (the caller hands the session over with it and takes it back
/// after ``finish()``).
final class RecordingThread: @unchecked Sendable {
    /// Events per batch: one hand-over (a lock and maybe a wake-up) per this many events.
    static let batchSize = 4096
    private static let maxBatches = 8

    private let condition = NSCondition()
    private var queue: [[TapEvent]] = []
    private var stopping = false
    private var busy = false
    private var stopped = false
    /// The first write failure; the thread records nothing after it.
    private var failure: RecordingWriteError?
    private let record: ([TapEvent]) -> Void
    private let writer: RecordingWriter
    private let flushBytes: Int
    private var thread: Thread?

    /// Starts a thread recording each batch of events with `record` and flushing `writer` every `flushBytes`.
    init(writer: RecordingWriter, flushBytes: Int, record: @escaping ([TapEvent]) -> Void) {
        self.writer = writer
        self.flushBytes = flushBytes
        self.record = record
        let thread = Thread { [self] in
            Thread.current.name = "reprise-writer"  // from inside, at most 15 bytes: see ProxyRecorder
            run()
        }
        self.thread = thread
        thread.start()
    }

    /// Hands `batch` over (leaving it empty, its memory kept); waits while the thread is `maxBatches`
    /// behind. Returns the write failure that stopped the recording, if one did.
    func handOver(_ batch: inout [TapEvent]) -> RecordingWriteError? {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.maxBatches, failure == nil { condition.wait() }
        if failure == nil {
            var full: [TapEvent] = []
            full.reserveCapacity(Self.batchSize)
            swap(&full, &batch)
            queue.append(full)
            condition.broadcast()
        } else {
            batch.removeAll(keepingCapacity: true)
        }
        return failure
    }

    /// Waits until everything handed over is recorded and flushed, then ends the thread. Throws the first
    /// write failure.
    func finish() throws(RecordingWriteError) {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func run() {
        var batch: [TapEvent] = []
        while true {
            condition.lock()
            while queue.isEmpty, !stopping { condition.wait() }
            if queue.isEmpty {
                // Stopping, and everything is recorded.
                if failure == nil {
                    do { try writer.flush() } catch { failure = error }
                }
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            swap(&batch, &queue[0])
            queue.removeFirst()
            condition.broadcast()
            let failed = failure != nil
            condition.unlock()

            if !failed {
                record(batch)
                if writer.pendingBytes >= flushBytes {
                    do throws(RecordingWriteError) {
                        try writer.flush()
                    } catch {
                        condition.lock()
                        failure = error
                        condition.broadcast()
                        condition.unlock()
                    }
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
