import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import Recording

/// Turns the bytes of HTTP/2 connections into a recording: one ``PassiveHTTP2Decoder`` per connection,
/// gRPC messages reassembled across frames and decompressed per stream, everything written through a
/// ``RecordingSession``. The proxy's recorder thread and the capture importer both record through it, so a
/// relayed connection and a captured one give the same recording.
///
/// Confined to one thread. Memory is bounded by the connections and calls open, not those done.
///
/// ```swift
/// let recorder = TapRecorder(session: session)
/// recorder.feed(connection: 1, from: .client, bytes: clientBytes, time: t)
/// recorder.close(connection: 1, reason: "the client closed the connection", time: t2)
/// try session.writer.flush()
/// ```
public final class TapRecorder {
    fileprivate struct StreamKey {
        var connection: Int
        var stream: Int
    }

    /// A class so the readers' buffers are appended to in place (a copied struct would copy them).
    private final class StreamTap {
        /// The session's call: the stream's events name it, not its connection and stream again.
        let call: RecordingSession.Call
        var request: GRPCMessageReader
        var response: GRPCMessageReader?
        var requestBroken = false
        var responseBroken = false
        var sawResponseHeaders = false
        /// The client half-closed.
        var clientDone = false
        /// Why the proxy answered the call itself: its end, once the client is done.
        var answeredByProxy: String?

        init(call: RecordingSession.Call, request: GRPCMessageReader) {
            self.call = call
            self.request = request
        }
    }

    /// Where the events go.
    public let session: RecordingSession
    private let maxMessageSize: Int
    /// Gets one sentence per connection whose bytes stopped being readable, or whose peer sent a GOAWAY
    /// with an error (except a server's answer to the client's own goodbye, see `clientsLeaving`).
    private let notice: (String) -> Void
    /// Connections whose client sent GOAWAY: it is leaving. grpc-go (k6) names its own last stream in that
    /// frame, which NIOHTTP2 servers answer with GOAWAY PROTOCOL_ERROR; that exchange ends a connection the
    /// client was closing anyway and says nothing about its calls, so it is not reported. Bounded by the
    /// connections open.
    private var clientsLeaving: Set<Int> = []
    private var streams = StreamTable<StreamTap>()
    private var decoders: [Int: PassiveHTTP2Decoder] = [:]
    private var decoded: [TapEvent] = []
    private let decompressors = GRPCDecompressors()
    private let methodFilter: MethodFilter
    /// The filter's answer by `:path`: a call costs one lookup, not a glob match (bounded, see `keeps`).
    private var keptPaths: [String: Bool] = [:]
    /// Calls the method filter left out of the recording.
    public private(set) var excludedCalls = 0
    /// Calls whose request headers lost their `:path` to HPACK state from before a capture began: their
    /// events wait here until their messages say which method they are (see ``PendingCall``).
    private var pending = StreamTable<PendingCall>()
    /// Calls whose method was inferred from their messages.
    public private(set) var callsInferred = 0
    /// Calls seen but not recorded, by why: they began before the capture, or their method could not be
    /// inferred.
    public private(set) var callsLost: [String: Int] = [:]
    /// Where events go when recording runs on a thread of its own (``recordOnOwnThread(flushBytes:)``).
    private var recordingThread: RecordingThread?
    /// The write failure that stopped the recording thread, once a hand-over has seen it.
    public private(set) var recordingFailure: RecordingWriteError?
    private let noticeLock = NSLock()

    /// A recorder writing to `session`; messages over `maxMessageSize` bytes are recorded with a decode
    /// error instead of their content. Calls `methodFilter` does not keep are left out entirely: nothing
    /// of them is decoded or written (their stream's later events find no call and are dropped).
    public init(
        session: RecordingSession, maxMessageSize: Int = 64 * 1024 * 1024, methodFilter: MethodFilter = .all,
        notice: @escaping (String) -> Void = { _ in }
    ) {
        self.session = session
        self.maxMessageSize = maxMessageSize
        self.methodFilter = methodFilter
        self.notice = notice
    }

    /// Connections with bytes fed and not closed.
    public var openConnections: Int { decoders.count }

    /// `connection` is one whose start was not seen (a capture that began mid-connection): its bytes are
    /// read from their first whole frame on, its header blocks as far as the HPACK state seen defines them,
    /// and calls that lost their method are inferred from their messages. Call it before its first bytes.
    public func joinMidway(connection: Int) {
        guard decoders[connection] == nil else { return }
        decoders[connection] = PassiveHTTP2Decoder(connection: connection, joinedMidway: true)
    }

    /// Bytes `side` of `connection` sent, in order (any split), read at `time`.
    public func feed(connection: Int, from side: CallSide, bytes: ByteBuffer, time: Int64) {
        let decoder: PassiveHTTP2Decoder
        if let known = decoders[connection] {
            decoder = known
        } else {
            decoder = PassiveHTTP2Decoder(connection: connection)
            decoders[connection] = decoder
        }
        let wasReadable = decoder.failure == nil
        decoder.feed(bytes, from: side, time: time, into: &decoded)
        if wasReadable, let problem = decoder.failure {
            say("connection \(connection): \(problem); the rest of it is not recorded")
        }
        recordDecoded()
    }

    /// The connection is over (`reason` says how): its open calls end with the reason.
    public func close(connection: Int, reason: String, time: Int64) {
        let decoder = decoders.removeValue(forKey: connection) ?? PassiveHTTP2Decoder(connection: connection)
        if !decoder.streamsBegunBefore.isEmpty {
            decoded.append(
                .streamsLost(
                    connection: connection, count: decoder.streamsBegunBefore.count, reason: "began before the capture")
            )
        }
        let before = decoded.count
        decoder.close(reason: reason, time: time, into: &decoded)
        // A connection whose bytes stopped being readable ended its calls then; any left end now.
        if decoded.count == before {
            decoded.append(.connectionClosed(connection: connection, reason: reason, time: time))
        }
        recordDecoded()
    }

    /// Records events decoded elsewhere (by a decoder the caller runs itself).
    public func record(_ event: TapEvent) {
        decoded.append(event)
        recordDecoded()
    }

    /// From now on, `feed`, `close` and `record` only decode on the caller's thread; the events are
    /// recorded on a thread of the recorder's own, in the same order, and the session's lines written
    /// every `flushBytes`. The session, its writer and ``excludedCalls`` belong to that thread until
    /// ``finishRecordingThread()``. A file import runs this way to use a second core.
    public func recordOnOwnThread(flushBytes: Int = 256 * 1024) {
        guard recordingThread == nil else { return }
        recordingThread = RecordingThread(writer: session.writer, flushBytes: flushBytes) { [unowned self] batch in
            let recorder = self  // one strong reference a batch, not one an event
            for event in batch { recorder.process(event) }
        }
    }

    /// Waits until the recording thread has recorded and written everything fed so far, and ends it: the
    /// session is the caller's again. Throws the write failure that stopped it, if one did.
    public func finishRecordingThread() throws(RecordingWriteError) {
        guard let thread = recordingThread else { return }
        recordingThread = nil
        if !decoded.isEmpty, let failure = thread.handOver(&decoded) { recordingFailure = failure }
        try thread.finish()
    }

    private func recordDecoded() {
        if let recordingThread {
            guard decoded.count >= RecordingThread.batchSize else { return }
            if let failure = recordingThread.handOver(&decoded) { recordingFailure = failure }
            return
        }
        // Each event is moved out to be recorded, not copied (a copy and its release cost a retain and a
        // release per buffer and header list), and a trivial one takes its place for `removeAll`.
        // `process` never touches `decoded`.
        decoded.withUnsafeMutableBufferPointer { events in
            for index in events.indices {
                let event = events.moveElement(from: index)
                events.initializeElement(at: index, to: .halfClose(connection: 0, stream: 0, time: 0))
                process(event)
            }
        }
        decoded.removeAll(keepingCapacity: true)
    }

    /// Passes a notice on; with a recording thread, notices come from both threads.
    private func say(_ text: String) {
        noticeLock.lock()
        defer { noticeLock.unlock() }
        notice(text)
    }

    /// Records one event. It is consumed: its header lists and buffers move into the bindings below instead
    /// of being retained for them and released with the event.
    private func process(_ event: consuming TapEvent) {
        if !pending.isEmpty, let key = event.streamKey, let waiting = pending[key.connection, key.stream] {
            wait(waiting, key, event)
            return
        }
        switch consume event {
        case .requestHeaders(let connection, let stream, let headers, let time):
            let path = headers.first(.path)
            if path == nil, headers.unknownFields > 0 {
                guard session.canInferMethods else {
                    lose(1, Self.methodLost + ", and without a schema it cannot be inferred")
                    return
                }
                pending[connection, stream] = PendingCall(
                    headers: headers, time: time, candidates: session.schemaMethods,
                    request: reader(encoding: headers.first(.grpcEncoding)))
                return
            }
            if !methodFilter.keepsEverything, !keeps(path: path ?? "") {
                excludedCalls += 1
                return
            }
            start(StreamKey(connection: connection, stream: stream), headers, time, inferred: nil)
        case .streamsLost(_, let count, let reason):
            lose(count, reason)
        case .data(let connection, let stream, let direction, let bytes, let time):
            data(StreamKey(connection: connection, stream: stream), direction, bytes, time)
        case .halfClose(let connection, let stream, let time):
            guard let tap = streams[connection, stream] else { return }
            session.halfClose(tap.call, time: time)
            tap.clientDone = true
            if let reason = tap.answeredByProxy {
                streams.removeValue(connection: connection, stream: stream)
                session.fail(tap.call, reason: reason, time: time)
            }
        case .responseHeaders(let connection, let stream, let headers, let endStream, let time):
            guard let tap = streams[connection, stream] else { return }
            if endStream {
                streams.removeValue(connection: connection, stream: stream)
                session.trailers(tap.call, headers: headers.fields, time: time, unknownHeaders: headers.unknownFields)
            } else if !tap.sawResponseHeaders {
                // 1xx responses are informational; the real headers follow.
                if headers.first(.status)?.utf8.first == UInt8(ascii: "1") { return }
                tap.sawResponseHeaders = true
                tap.response = reader(encoding: headers.first(.grpcEncoding))
                session.responseHeaders(tap.call, headers: headers.fields, time: time)
            }
        case .reset(let connection, let stream, let by, let code, let time):
            guard let tap = streams.removeValue(connection: connection, stream: stream) else {
                return
            }
            // A client resetting a stream the proxy answered is done with it (gRPC clients reset a stream
            // they had not half-closed when its status arrives): the call ends for the proxy's reason.
            if by == .client, let reason = tap.answeredByProxy {
                session.fail(tap.call, reason: reason, time: time)
            } else {
                session.reset(tap.call, by: by, errorCode: code, time: time)
            }
        case .answeredByProxy(let connection, let stream, let reason, let time):
            guard let tap = streams[connection, stream] else { return }
            if tap.clientDone {
                streams.removeValue(connection: connection, stream: stream)
                session.fail(tap.call, reason: reason, time: time)
            } else {
                tap.answeredByProxy = reason
            }
        case .streamFailed(let connection, let stream, let reason, let time):
            guard let tap = streams.removeValue(connection: connection, stream: stream) else {
                return
            }
            session.fail(tap.call, reason: reason, time: time)
        case .goAway(let connection, let by, let lastStream, let code, let debug, _):
            if by == .client { clientsLeaving.insert(connection) }
            guard code != 0, by == .client || !clientsLeaving.contains(connection) else { return }
            let who = by == .client ? "the client" : "the server"
            say(
                "connection \(connection): \(who) sent GOAWAY with \(HTTP2ErrorCodeName.name(of: code)) "
                    + "(last stream \(lastStream)\(debug.isEmpty ? "" : ": \(debug)"))")
        case .connectionClosed(let connection, let reason, let time):
            let waitingHere = pending.entries.filter { $0.connection == connection }.sorted { $0.stream < $1.stream }
            for (_, stream, waiting) in waitingHere {
                decide(waiting, StreamKey(connection: connection, stream: stream), final: true)
            }
            clientsLeaving.remove(connection)
            streams.removeAll(connection: connection)
            session.connectionClosed(connection: connection, reason: reason, time: time)
        }
    }

    private func start(_ key: StreamKey, _ headers: HeaderFields, _ time: Int64, inferred: String?) {
        let call = session.startCall(
            connection: key.connection, stream: key.stream, headers: headers.fields, time: time,
            inferredMethod: inferred, unknownHeaders: headers.unknownFields)
        streams[key.connection, key.stream] = StreamTap(
            call: call, request: reader(encoding: headers.first(.grpcEncoding)))
    }

    private func lose(_ count: Int, _ reason: String) {
        // Reasons are a few fixed sentences and method lists; bounded all the same.
        if callsLost[reason] != nil || callsLost.count < 64 { callsLost[reason, default: 0] += count }
    }

    // MARK: Inferring a method

    /// A call whose request headers lost `:path` (HPACK state from before a capture began). Its events are
    /// held, and its messages read on the side by each candidate method's types, until one method is left
    /// (or the call ends, or too much is held): then it is recorded with that method, marked inferred, or
    /// counted as lost with why.
    private final class PendingCall {
        let headers: HeaderFields
        let time: Int64
        var candidates: [String]
        var events: [TapEvent] = []
        var heldBytes = 0
        var request: GRPCMessageReader
        var response: GRPCMessageReader?
        var requests = 0
        var responses = 0

        init(headers: HeaderFields, time: Int64, candidates: [String], request: GRPCMessageReader) {
            self.headers = headers
            self.time = time
            self.candidates = candidates
            self.request = request
        }
    }

    /// How each reason a pending call is lost begins.
    private static let methodLost = "their method was in header table state from before the capture"

    /// The most a pending call holds before it is decided on what it has.
    private static let pendingEventLimit = 256
    private static let pendingByteLimit = 4 * 1024 * 1024

    private func wait(_ waiting: PendingCall, _ key: StreamKey, _ event: TapEvent) {
        waiting.events.append(event)
        var ended = false
        switch event {
        case .data(_, _, let direction, let bytes, _):
            waiting.heldBytes += bytes.readableBytes
            if direction == .request {
                waiting.request.append(bytes)
                narrow(waiting, &waiting.request, .request)
            } else {
                if waiting.response == nil { waiting.response = reader(encoding: nil) }
                waiting.response!.append(bytes)
                narrow(waiting, &waiting.response!, .response)
            }
        case .responseHeaders(_, _, let headers, let endStream, _):
            if endStream {
                ended = true
            } else if waiting.response == nil, headers.first(.status)?.hasPrefix("1") != true {
                waiting.response = reader(encoding: headers.first(.grpcEncoding))
            }
        case .reset, .streamFailed: ended = true
        default: break
        }
        let full = waiting.events.count >= Self.pendingEventLimit || waiting.heldBytes >= Self.pendingByteLimit
        if ended || full || waiting.candidates.count <= 1 { decide(waiting, key, final: ended || full) }
    }

    /// Reads the whole messages `messages` holds and keeps the candidates whose types read them.
    private func narrow(_ waiting: PendingCall, _ messages: inout GRPCMessageReader, _ direction: MessageDirection) {
        while waiting.candidates.count > 0, let message = try? messages.next() {
            if direction == .request { waiting.requests += 1 } else { waiting.responses += 1 }
            guard message.decompressionFailure == nil else { continue }
            waiting.candidates = message.payload.withUnsafeReadableBytes {
                session.methods(among: waiting.candidates, reading: $0, as: direction)
            }
        }
    }

    /// Records the pending call if one method is left (at the end, the message counts also rule out
    /// methods of the wrong kind), or counts it as lost.
    private func decide(_ waiting: PendingCall, _ key: StreamKey, final: Bool) {
        var candidates = waiting.candidates
        if candidates.count > 1, final {
            candidates = candidates.filter { path in
                let kind = session.kind(ofMethod: path)
                return (waiting.requests <= 1 || kind == .clientStreaming || kind == .bidi)
                    && (waiting.responses <= 1 || kind == .serverStreaming || kind == .bidi)
            }
        }
        guard candidates.count <= 1 || final else { return }
        pending.removeValue(connection: key.connection, stream: key.stream)
        guard candidates.count == 1, let method = candidates.first else {
            if candidates.isEmpty {
                lose(1, Self.methodLost + ", and no method of the schema reads their messages")
            } else if waiting.requests + waiting.responses == 0 {
                // Every method fits no message: listing them all would name the whole schema.
                lose(1, Self.methodLost + ", and no message of theirs was seen to infer it from")
            } else {
                let sorted = candidates.sorted()
                let named = sorted.prefix(4).joined(separator: ", ")
                lose(
                    1,
                    Self.methodLost + ", and their messages read as any of \(named)"
                        + (sorted.count > 4 ? " and \(sorted.count - 4) more" : ""))
            }
            return
        }
        if !methodFilter.keepsEverything, !keeps(path: method) {
            excludedCalls += 1
            return
        }
        callsInferred += 1
        start(key, waiting.headers, waiting.time, inferred: method)
        for event in waiting.events { process(event) }
    }

    private func keeps(path: String) -> Bool {
        if let known = keptPaths[path] { return known }
        let kept = methodFilter.keeps(path: path)
        // Paths come from clients: past a few thousand distinct ones, start over rather than grow.
        if keptPaths.count >= 4096 { keptPaths.removeAll(keepingCapacity: true) }
        keptPaths[path] = kept
        return kept
    }

    private func reader(encoding: String?) -> GRPCMessageReader {
        GRPCMessageReader(
            encoding: encoding, maxMessageSize: maxMessageSize, decompressors: decompressors)
    }

    private func data(_ key: StreamKey, _ direction: MessageDirection, _ bytes: ByteBuffer, _ time: Int64) {
        guard let tap = streams[key.connection, key.stream] else { return }
        if direction == .request {
            guard !tap.requestBroken else { return }
            tap.requestBroken = drain(&tap.request, tap.call, direction, bytes, time)
        } else {
            guard !tap.responseBroken else { return }
            // Response DATA before response headers breaks gRPC; read it with an identity reader anyway.
            if tap.response == nil { tap.response = reader(encoding: nil) }
            tap.responseBroken = drain(&tap.response!, tap.call, direction, bytes, time)
        }
    }

    /// Feeds one frame's bytes to `messageReader` and records every whole message; returns whether the
    /// bytes turned out not to be a gRPC message stream.
    private func drain(
        _ messageReader: inout GRPCMessageReader, _ call: RecordingSession.Call, _ direction: MessageDirection,
        _ bytes: ByteBuffer, _ time: Int64
    ) -> Bool {
        messageReader.append(bytes)
        while true {
            let message: GRPCMessageReader.Message?
            do throws(GRPCStatus) {
                message = try messageReader.next()
            } catch {
                let what =
                    error.code == .resourceExhausted
                    ? "a message over the recorder's limit (\(error.message))"
                    : "not a gRPC message stream (\(error.message))"
                bytes.withUnsafeReadableBytes {
                    session.message(
                        call, direction: direction, payload: $0, wireSize: $0.count, compressed: false, time: time,
                        unreadable: what + "; these are the frame's bytes and the rest of the "
                            + "\(direction.rawValue)s are not recorded")
                }
                return true
            }
            guard let message else { return false }
            message.payload.withUnsafeReadableBytes {
                session.message(
                    call, direction: direction, payload: $0, wireSize: message.wireSize,
                    compressed: message.compressed, time: time,
                    unreadable: message.decompressionFailure)
            }
        }
    }
}

extension TapEvent {
    /// The stream an event is about, for the events of one.
    fileprivate var streamKey: TapRecorder.StreamKey? {
        switch self {
        case .data(let connection, let stream, _, _, _), .halfClose(let connection, let stream, _),
            .responseHeaders(let connection, let stream, _, _, _), .reset(let connection, let stream, _, _, _),
            .streamFailed(let connection, let stream, _, _), .answeredByProxy(let connection, let stream, _, _):
            TapRecorder.StreamKey(connection: connection, stream: stream)
        case .requestHeaders, .goAway, .connectionClosed, .streamsLost: nil
        }
    }
}
