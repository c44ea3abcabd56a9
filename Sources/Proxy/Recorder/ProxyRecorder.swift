import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import NIOHPACK
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

        /// The defaults.
        public init() {}
    }

    private struct Shared {
        var queue: [RecorderInput] = []
        var queuedBytes = 0
        var finishing = false
        var statistics = RecorderStatistics()
        var failure: RecordingWriteError?
    }

    private struct StreamKey: Hashable {
        var connection: Int
        var stream: Int
    }

    /// A class so the readers' buffers are appended to in place (a copied struct would copy them).
    private final class StreamTap {
        var request: GRPCMessageReader
        var response: GRPCMessageReader?
        var requestBroken = false
        var responseBroken = false
        var sawResponseHeaders = false

        init(request: GRPCMessageReader) { self.request = request }
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
    private var started = false
    private var streams: [StreamKey: StreamTap] = [:]
    private var decoders: [Int: PassiveHTTP2Decoder] = [:]
    private var decoded: [TapEvent] = []
    private let decompressors = GRPCDecompressors()
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
        condition.unlock()
        startUptime.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed)
        let thread = Thread { [self] in run() }
        thread.name = "reprise-recorder"
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
        let wasEmpty = shared.queue.isEmpty
        shared.queue.append(contentsOf: events)
        shared.queuedBytes += bytes
        let overBudget = shared.queuedBytes > configuration.maxQueuedBytes
        if wasEmpty { condition.signal() }
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

    private func run() {
        var batch: [RecorderInput] = []
        while true {
            condition.lock()
            while shared.queue.isEmpty, !shared.finishing {
                if !condition.wait(until: Date(timeIntervalSinceNow: 0.25)) {
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

    /// Runs one input through its connection's decoder and records what it completes.
    private func decode(_ input: RecorderInput) {
        if failure != nil { return }
        switch input {
        case .bytes(let connection, let side, let bytes, let time):
            var decoder = decoders.removeValue(forKey: connection) ?? PassiveHTTP2Decoder(connection: connection)
            let wasReadable = decoder.failure == nil
            decoder.feed(bytes, from: side, time: time, into: &decoded)
            if wasReadable, let problem = decoder.failure {
                notice("connection \(connection): \(problem); the rest of it is relayed but not recorded")
            }
            decoders[connection] = decoder
        case .closed(let connection, let reason, let time):
            var decoder = decoders.removeValue(forKey: connection) ?? PassiveHTTP2Decoder(connection: connection)
            decoder.close(reason: reason, time: time, into: &decoded)
            // A connection whose bytes stopped being readable ended its calls then; these end now.
            if decoded.isEmpty { session.connectionClosed(connection: connection, reason: reason, time: time) }
        }
        for event in decoded { process(event) }
        decoded.removeAll(keepingCapacity: true)
    }

    private func process(_ event: TapEvent) {
        if failure != nil { return }
        switch event {
        case .requestHeaders(let connection, let stream, let headers, let time):
            let pairs = headers.map { ($0.name, $0.value) }
            session.startCall(connection: connection, stream: stream, headers: pairs, time: time)
            streams[StreamKey(connection: connection, stream: stream)] = StreamTap(
                request: reader(encoding: headers.first(name: "grpc-encoding")))
        case .data(let connection, let stream, let direction, let bytes, let time):
            data(StreamKey(connection: connection, stream: stream), direction, bytes, time)
        case .halfClose(let connection, let stream, let time):
            session.halfClose(connection: connection, stream: stream, time: time)
        case .responseHeaders(let connection, let stream, let headers, let endStream, let time):
            let key = StreamKey(connection: connection, stream: stream)
            guard let tap = streams[key] else { return }
            let pairs = headers.map { ($0.name, $0.value) }
            if endStream {
                streams.removeValue(forKey: key)
                session.trailers(connection: connection, stream: stream, headers: pairs, time: time)
            } else if !tap.sawResponseHeaders {
                // 1xx responses are informational; the real headers follow.
                if headers.first(name: ":status")?.hasPrefix("1") == true { return }
                tap.sawResponseHeaders = true
                tap.response = reader(encoding: headers.first(name: "grpc-encoding"))
                session.responseHeaders(connection: connection, stream: stream, headers: pairs, time: time)
            }
        case .reset(let connection, let stream, let by, let code, let time):
            streams.removeValue(forKey: StreamKey(connection: connection, stream: stream))
            session.reset(connection: connection, stream: stream, by: by, errorCode: code, time: time)
        case .streamFailed(let connection, let stream, let reason, let time):
            streams.removeValue(forKey: StreamKey(connection: connection, stream: stream))
            session.fail(connection: connection, stream: stream, reason: reason, time: time)
        case .goAway(let connection, let by, let lastStream, let code, let debug, _):
            guard code != 0 else { return }
            let who = by == .client ? "the client" : "the server"
            notice(
                "connection \(connection): \(who) sent GOAWAY with \(HTTP2ErrorCodeName.name(of: code)) "
                    + "(last stream \(lastStream)\(debug.isEmpty ? "" : ": \(debug)"))")
        case .connectionClosed(let connection, let reason, let time):
            streams = streams.filter { $0.key.connection != connection }
            session.connectionClosed(connection: connection, reason: reason, time: time)
        }
    }

    private func reader(encoding: String?) -> GRPCMessageReader {
        GRPCMessageReader(
            encoding: encoding, maxMessageSize: configuration.maxMessageSize, decompressors: decompressors)
    }

    private func data(_ key: StreamKey, _ direction: MessageDirection, _ bytes: ByteBuffer, _ time: Int64) {
        guard let tap = streams[key] else { return }
        if direction == .request {
            guard !tap.requestBroken else { return }
            tap.requestBroken = drain(&tap.request, key, direction, bytes, time)
        } else {
            guard !tap.responseBroken else { return }
            // Response DATA before response headers breaks gRPC; read it with an identity reader anyway.
            if tap.response == nil { tap.response = reader(encoding: nil) }
            tap.responseBroken = drain(&tap.response!, key, direction, bytes, time)
        }
    }

    /// Feeds one frame's bytes to `messageReader` and records every whole message; returns whether the
    /// bytes turned out not to be a gRPC message stream.
    private func drain(
        _ messageReader: inout GRPCMessageReader, _ key: StreamKey, _ direction: MessageDirection,
        _ bytes: ByteBuffer, _ time: Int64
    ) -> Bool {
        messageReader.append(bytes)
        while true {
            let message: GRPCMessageReader.Message?
            do throws(GRPCStatus) {
                message = try messageReader.next()
            } catch {
                bytes.withUnsafeReadableBytes {
                    session.message(
                        connection: key.connection, stream: key.stream, direction: direction, payload: $0,
                        wireSize: $0.count, compressed: false, time: time,
                        unreadable: "not a gRPC message stream (\(error.message)); these are the frame's bytes "
                            + "and the rest of the \(direction.rawValue)s are not recorded")
                }
                return true
            }
            guard let message else { return false }
            message.payload.withUnsafeReadableBytes {
                session.message(
                    connection: key.connection, stream: key.stream, direction: direction, payload: $0,
                    wireSize: message.wireSize, compressed: message.compressed, time: time,
                    unreadable: message.decompressionFailure)
            }
        }
    }
}
