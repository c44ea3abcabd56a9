import GRPCProtocol
import GRPCWire
import NIOCore
import NIOSSL
import Recording

/// One client connection and the server connection opened for it, both on one event loop. Every byte
/// read on one side is written to the other unchanged (SETTINGS, WINDOW_UPDATE, PING and GOAWAY
/// included), and the same bytes go to the recorder, which decodes them on its own thread with a
/// ``PassiveHTTP2Decoder``. The relay keeps no HTTP/2 state of its own beyond frame boundaries and the
/// streams in flight (``FrameScanner``, ``OpenStreams``): flow control, settings and HPACK belong to the
/// endpoints.
///
/// TCP's back-pressure bounds what the proxy holds: when the side written to cannot take more (its
/// channel turned unwritable), the side read from stops reading until it can. Confined to the event loop;
/// the two ``RelayHandler``s call in.
final class RelayConnection {
    enum Side {
        case downstream
        case upstream

        var other: Side { self == .downstream ? .upstream : .downstream }
    }

    enum Drain {
        case none
        /// GOAWAY with the largest id and a PING went to the client; waiting for the PING's ACK.
        case announced
        /// The final GOAWAY went out; the connection closes when its streams are done.
        case final
    }

    /// The opaque data of the proxy's drain PING ("Reprise" and a byte).
    static let drainPing: UInt64 = 0x7265_7072_6973_6552

    let id: Int
    let configuration: ProxyConfiguration
    let recorder: ProxyRecorder
    let eventLoop: any EventLoop
    let upstreamTLS: ClientTLSSetup?
    let log: @Sendable (String) -> Void
    let downstreamGate: ReadGateHandler
    var upstreamGate: ReadGateHandler?

    var downstream: ChannelHandlerContext?
    var upstream: ChannelHandlerContext?
    var downstreamChannel: (any Channel)?
    var upstreamChannel: (any Channel)?
    private var clientFrames = FrameScanner(clientPreface: true)
    private var serverFrames = FrameScanner(clientPreface: false)
    var streams = OpenStreams()
    /// What this read handed the recorder; submitted at its end, one lock for the whole read.
    private var chunks: [RecorderInput] = []
    private var reading = false
    private var downstreamDirty = false
    private var upstreamDirty = false
    /// A side whose reads are held because the other side cannot take more.
    private var downstreamPaused = false
    private var upstreamPaused = false
    var drain = Drain.none
    /// Frames of the proxy's own for the client, waiting for a frame boundary in the server's bytes.
    private var pendingToClient: ByteBuffer?
    var upstreamReady = false
    /// The server could not be reached: the proxy answers this client's calls itself (UNAVAILABLE).
    var fallback = false
    /// A plaintext server, until its first bytes: what the client sent meanwhile (slices, not copies), so
    /// that a server that turns out not to speak h2c (one that expects TLS, an HTTP/1.1 server) is answered
    /// by the proxy as one that could not be reached. Nil once the server spoke HTTP/2, or after
    /// ``maxHeldBytes``.
    var heldForFallback: [ByteBuffer]?
    var heldBytes = 0
    static let maxHeldBytes = 1 << 20
    var downstreamClosed = false
    var upstreamClosed = false
    /// Why the connection is going down, for the calls still open (first reason wins).
    var closeReason: String?
    /// Runs once both sides are closed.
    var onClosed: (() -> Void)?

    init(
        id: Int, configuration: ProxyConfiguration, recorder: ProxyRecorder, eventLoop: any EventLoop,
        upstreamTLS: ClientTLSSetup?, downstreamGate: ReadGateHandler, log: @escaping @Sendable (String) -> Void
    ) {
        self.id = id
        self.configuration = configuration
        self.recorder = recorder
        self.eventLoop = eventLoop
        self.upstreamTLS = upstreamTLS
        self.downstreamGate = downstreamGate
        self.log = log
        if upstreamTLS == nil { heldForFallback = [] }
    }

    // MARK: Side lifecycle

    func attach(_ side: Side, context: ChannelHandlerContext) {
        switch side {
        case .downstream:
            downstream = context
            downstreamChannel = context.channel
        case .upstream:
            upstream = context
            upstreamChannel = context.channel
        }
    }

    func detach(_ side: Side) {
        switch side {
        case .downstream: downstream = nil
        case .upstream: upstream = nil
        }
    }

    /// A side's TCP connection is up. The client's starts the server's; a plaintext server's is ready at
    /// once (a TLS one once its handshake is done).
    func sideActive(_ side: Side) {
        switch side {
        case .downstream:
            if upstreamChannel == nil { connectUpstream() }
        case .upstream:
            if upstreamTLS == nil { upstreamIsReady() }
        }
    }

    func sideInactive(_ side: Side) {
        switch side {
        case .downstream:
            guard !downstreamClosed else { return }
            downstreamClosed = true
            if closeReason == nil { closeReason = "the client closed the connection before the call ended" }
            // What the client sent before it went is the server's, as without the proxy (a read that ends
            // with the connection gets no read-complete to flush it).
            upstream?.flush()
            upstreamChannel?.close(promise: nil)
        case .upstream:
            guard !upstreamClosed else { return }
            upstreamClosed = true
            if heldForFallback != nil, !downstreamClosed {
                serverDidNotSpeakHTTP2(
                    "it closed the connection without a word of HTTP/2, so it may expect TLS there, or not be a "
                        + "gRPC (HTTP/2) server", kind: .plaintextClosedDuringSetup)
            } else if !upstreamReady, !downstreamClosed {
                upstreamFailed("the server closed the connection before it was set up")
            } else if upstreamReady {
                if closeReason == nil { closeReason = "the server connection closed before the call ended" }
                // The server is gone: so is this client's connection, as it would be without the proxy,
                // after what the server sent before it went.
                downstream?.flush()
                downstreamChannel?.close(promise: nil)
            }
            // Answered locally, the client's connection goes on (and is recorded) until it closes.
            if fallback, !downstreamClosed { return }
        }
        submitClosure()
        if downstreamClosed, upstreamClosed || upstreamChannel == nil || fallback {
            streams.removeAll()
            onClosed?()
            onClosed = nil
        }
    }

    /// Tells the recorder the connection is over, once: the calls still open end with the reason. Handed
    /// over at once, with the bytes of a read in progress: a channel that closes while it is read gets no
    /// read-complete, so nothing would hand them over later.
    private var closureSubmitted = false
    private func submitClosure() {
        guard !closureSubmitted else { return }
        closureSubmitted = true
        chunks.append(.closed(connection: id, reason: closeReason!, time: recorder.now()))
        submitChunks()
    }

    func errorCaught(_ side: Side, _ error: any Error) {
        if side == .upstream, !upstreamReady {
            let failure = TransportFailure.classify(error, target: configuration.upstreamTarget)
            upstreamFailed(failure.message, kind: failure.kind)
            upstreamChannel?.close(promise: nil)
            return
        }
        let who = side == .downstream ? "the client" : "the server \(configuration.upstreamTarget)"
        let failure = TransportFailure.classify(error, target: who)
        let reason = "the connection to \(who) failed: \(failure.message)"
        if closeReason == nil { closeReason = reason }
        // A client that goes away abruptly (a reset, a TLS connection closed without close_notify) is a
        // client closing, not something to warn about.
        let quiet =
            side == .downstream
            && [TransportFailure.Kind.connectionReset, .brokenPipe, .connectionClosed].contains(failure.kind)
        if !quiet { log("connection \(id): \(reason)") }
        (side == .downstream ? downstreamChannel : upstreamChannel)?.close(promise: nil)
    }

    /// The proxy answered `stream` itself (the server could not be reached): the call ends for `reason`
    /// once the client is done with it, after the bytes read so far.
    func answeredLocally(stream: Int, reason: String) {
        chunks.append(.answeredByProxy(connection: id, stream: stream, reason: reason, time: recorder.now()))
        if !reading { submitChunks() }
    }

    // MARK: Relaying

    /// Bytes read on one side: to the recorder, and to the other side.
    func read(_ side: Side, _ bytes: ByteBuffer) {
        // A server the proxy gave up on (its TLS failed a check) is not the client's: the proxy answers.
        if side == .upstream, fallback { return }
        if side == .upstream, heldForFallback != nil {
            if let (problem, kind) = Self.notHTTP2(bytes) {
                serverDidNotSpeakHTTP2(problem, kind: kind)
                return
            }
            heldForFallback = nil
        }
        reading = true
        // Queued for the recorder before relaying: relaying can end the connection (the proxy's own answer
        // closes it on a client's reset, a write fails), and its end must come after these bytes.
        chunks.append(
            .bytes(connection: id, from: side == .downstream ? .client : .server, bytes: bytes, time: recorder.now()))
        var bytes = bytes
        switch side {
        case .downstream: relayFromClient(&bytes)
        case .upstream: relayFromServer(&bytes)
        }
    }

    private func relayFromClient(_ bytes: inout ByteBuffer) {
        var offset = bytes.readerIndex
        var written = offset
        while let frame = clientFrames.next(in: &bytes, offset: &offset) {
            streams.saw(frame, fromClient: true)
            if frame.type == HTTP2FrameType.ping, frame.flags & HTTP2FrameFlags.ack != 0, frame.head == Self.drainPing {
                // The answer to the proxy's own PING: the server never sent it, so it does not get the
                // answer (when the frame came whole in this read; a split one passes, harmlessly).
                let start = offset - 17
                if start >= written {
                    if start > written { forwardFromClient(bytes.getSlice(at: written, length: start - written)!) }
                    written = offset
                }
                sendFinalGoAway()
            }
        }
        if written == bytes.readerIndex {
            forwardFromClient(bytes)
        } else if written < bytes.writerIndex {
            forwardFromClient(bytes.getSlice(at: written, length: bytes.writerIndex - written)!)
        }
    }

    private func forwardFromClient(_ bytes: ByteBuffer) {
        if fallback {
            downstream?.fireChannelRead(NIOAny(bytes))
        } else {
            if heldForFallback != nil {
                // Only a client that speaks HTTP/2 with prior knowledge: one that starts otherwise (an
                // HTTP/1.1 upgrade) gets the server's answer as it is.
                if heldBytes == 0, !HTTP2Preface.mayStart(bytes.readableBytesView) {
                    heldForFallback = nil
                    return write(.upstream, bytes)
                }
                heldBytes += bytes.readableBytes
                if heldBytes <= Self.maxHeldBytes { heldForFallback!.append(bytes) } else { heldForFallback = nil }
            }
            write(.upstream, bytes)
        }
    }

    private func relayFromServer(_ bytes: inout ByteBuffer) {
        var offset = bytes.readerIndex
        var written = offset
        if pendingToClient != nil, serverFrames.atBoundary { writePendingToClient() }
        while let frame = serverFrames.next(in: &bytes, offset: &offset) {
            streams.saw(frame, fromClient: false)
            if pendingToClient != nil, serverFrames.atBoundary {
                write(.downstream, bytes.getSlice(at: written, length: offset - written)!)
                written = offset
                writePendingToClient()
            }
        }
        if written == bytes.readerIndex {
            write(.downstream, bytes)
        } else if written < bytes.writerIndex {
            write(.downstream, bytes.getSlice(at: written, length: bytes.writerIndex - written)!)
        }
        if case .final = drain, streams.isEmpty { closeAfterFlush() }
    }

    /// Writes to one side; flushed at the end of the current read, or now outside reads. When that side
    /// cannot take more, the other stops reading until it can.
    private func write(_ side: Side, _ bytes: ByteBuffer) {
        guard let context = side == .downstream ? downstream : upstream else { return }
        context.write(NIOAny(bytes), promise: nil)
        if reading {
            if side == .downstream { downstreamDirty = true } else { upstreamDirty = true }
        } else {
            context.flush()
        }
        if !context.channel.isWritable { pause(side.other) }
    }

    private func pause(_ side: Side) {
        switch side {
        case .downstream:
            guard !downstreamPaused else { return }
            downstreamPaused = true
            downstreamGate.hold()
        case .upstream:
            guard !upstreamPaused, let upstreamGate else { return }
            upstreamPaused = true
            upstreamGate.hold()
        }
    }

    /// A side's writability changed: once it can take more, the other side reads again.
    func writabilityChanged(_ side: Side, writable: Bool) {
        guard writable else { return }
        switch side.other {
        case .downstream:
            guard downstreamPaused else { return }
            downstreamPaused = false
            downstreamGate.release()
        case .upstream:
            guard upstreamPaused else { return }
            upstreamPaused = false
            upstreamGate?.release()
        }
    }

    /// The end of a read on either side: flush what was written and hand the bytes to the recorder.
    func readComplete() {
        reading = false
        if upstreamDirty {
            upstreamDirty = false
            upstream?.flush()
        }
        if downstreamDirty {
            downstreamDirty = false
            downstream?.flush()
        }
        submitChunks()
    }

    private func submitChunks() {
        guard !chunks.isEmpty else { return }
        recorder.submit(chunks)
        chunks.removeAll(keepingCapacity: true)
    }

    // MARK: Frames of the proxy's own

    /// Queues frames for the client, written at the next frame boundary of the server's bytes (now, when
    /// the server's bytes are at one).
    func sendToClient(_ frames: ByteBuffer) {
        if pendingToClient == nil {
            pendingToClient = frames
        } else {
            var frames = frames
            pendingToClient!.writeBuffer(&frames)
        }
        if serverFrames.atBoundary { writePendingToClient() }
    }

    private func writePendingToClient() {
        guard let frames = pendingToClient else { return }
        pendingToClient = nil
        write(.downstream, frames)
    }

    /// Closes both sides now (after flushing what was written).
    func close() {
        downstream?.flush()
        upstream?.flush()
        downstreamChannel?.close(promise: nil)
        upstreamChannel?.close(promise: nil)
    }

    /// Closes once the writes of the current read are out.
    func closeAfterFlush() {
        eventLoop.assumeIsolated().execute { [self] in close() }
    }
}

/// What the event loops hand the recorder: a connection's bytes as read, or its end.
enum RecorderInput: Sendable {
    /// Bytes one side sent, in order, read at `time`.
    case bytes(connection: Int, from: CallSide, bytes: ByteBuffer, time: Int64)
    /// The connection is gone; its open calls end with the reason.
    case closed(connection: Int, reason: String, time: Int64)
    /// The proxy answered a call of the connection itself (the server could not be reached): see
    /// ``TapEvent/answeredByProxy(connection:stream:reason:time:)``.
    case answeredByProxy(connection: Int, stream: Int, reason: String, time: Int64)

    /// What the input costs the recorder's queue, for back-pressure.
    var queuedBytes: Int {
        switch self {
        case .bytes(_, _, let bytes, _): 64 + bytes.readableBytes
        case .closed(_, let reason, _), .answeredByProxy(_, _, let reason, _): 64 + reason.utf8.count
        }
    }
}
