import NIOCore
import NIOHTTP2
import NIOSSL
import Recording
import Tap

/// One client connection and the server connection opened for it, both on one event loop: frames read on
/// one side are written to the other with the same stream id, and a copy of each goes to the recorder.
///
/// Flow control is end to end. Each side's receive windows are given back only when the bytes they
/// covered were written to the other side (the write promise completed), so a client that stops reading
/// stops the server after at most one window per stream and one per connection; nothing is buffered
/// beyond that. Confined to the event loop; the two `SideHandler`s call in.
final class ProxyConnection {
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

    static let drainPing = HTTP2PingData(withInteger: 0x7265_7072_6973_6552)

    let id: Int
    let configuration: ProxyConfiguration
    let recorder: ProxyRecorder
    let eventLoop: any EventLoop
    let upstreamSSL: NIOSSLContext?
    let log: @Sendable (String) -> Void
    let downstreamWitness: GoAwayWitness
    let upstreamWitness = GoAwayWitness()
    let downstreamGate: ReadGateHandler

    var downstream: ChannelHandlerContext?
    var upstream: ChannelHandlerContext?
    var downstreamChannel: (any Channel)?
    var upstreamChannel: (any Channel)?
    var streams: [HTTP2StreamID: ProxyStream] = [:]
    var taps: [TapEvent] = []
    var reading = false
    var downstreamDirty = false
    var upstreamDirty = false
    var downstreamConnectionCredit: WindowCredit
    var upstreamConnectionCredit: WindowCredit
    var highestStreamID = HTTP2StreamID(0)
    var drain = Drain.none
    var upstreamLastStreamID: HTTP2StreamID?
    var upstreamReady = false
    var downstreamClosed = false
    var upstreamClosed = false
    /// Why the connection is going down, for the calls still open (first reason wins).
    var closeReason: String?
    /// Runs once both sides are closed.
    var onClosed: (() -> Void)?

    init(
        id: Int, configuration: ProxyConfiguration, recorder: ProxyRecorder, eventLoop: any EventLoop,
        upstreamSSL: NIOSSLContext?, downstreamWitness: GoAwayWitness, downstreamGate: ReadGateHandler,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.id = id
        self.configuration = configuration
        self.recorder = recorder
        self.eventLoop = eventLoop
        self.upstreamSSL = upstreamSSL
        self.downstreamWitness = downstreamWitness
        self.downstreamGate = downstreamGate
        self.log = log
        downstreamConnectionCredit = WindowCredit(size: configuration.http2.connectionWindowSize)
        upstreamConnectionCredit = WindowCredit(size: configuration.http2.connectionWindowSize)
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

    /// A side's TCP connection is up: raise its connection window; the client side starts the server side.
    func sideActive(_ side: Side) {
        let increment = configuration.http2.connectionWindowSize - 65535
        if increment > 0 {
            write(side, HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: increment)))
        }
        if side == .downstream, upstreamChannel == nil { connectUpstream() }
    }

    func sideInactive(_ side: Side) {
        switch side {
        case .downstream:
            guard !downstreamClosed else { return }
            downstreamClosed = true
            if closeReason == nil { closeReason = "the client closed the connection before the call ended" }
            upstreamChannel?.close(promise: nil)
        case .upstream:
            guard !upstreamClosed else { return }
            upstreamClosed = true
            if closeReason == nil {
                closeReason =
                    upstreamReady
                    ? "the server connection closed before the call ended"
                    : "the server connection closed before HTTP/2 was set up"
            }
            // The server is gone: so is this client's connection, as it would be without the proxy.
            downstreamChannel?.close(promise: nil)
        }
        tap(.connectionClosed(connection: id, reason: closeReason!, time: recorder.now()))
        if downstreamClosed, upstreamClosed || upstreamChannel == nil {
            streams.removeAll()
            onClosed?()
            onClosed = nil
        }
    }

    func errorCaught(_ side: Side, _ error: any Error) {
        if error is NIOHTTP2Errors.StreamError { return }
        let witness = side == .downstream ? downstreamWitness : upstreamWitness
        // A protocol error NIO answered with RST_STREAM concerns one stream (its closure event handles it).
        if String(reflecting: type(of: error)).hasPrefix("NIOHTTP2."), !witness.sawConnectionError { return }
        let who = side == .downstream ? "the client" : "the server"
        let reason: String
        if String(reflecting: type(of: error)).hasPrefix("NIOHTTP2.") {
            reason = "\(who) broke the HTTP/2 protocol (\(error)); the connection was closed"
        } else if error is NIOSSLError || String(reflecting: type(of: error)).hasPrefix("NIOSSL.") {
            reason = "TLS with \(who) failed: \(error)"
        } else {
            reason = "the connection to \(who) failed: \(error)"
        }
        if closeReason == nil { closeReason = reason }
        log("connection \(id): \(reason)")
        (side == .downstream ? downstreamChannel : upstreamChannel)?.close(promise: nil)
    }

    // MARK: Writing

    /// Writes a frame to one side; flushed at the end of the current read, or now outside reads.
    func write(_ side: Side, _ frame: HTTP2Frame, promise: EventLoopPromise<Void>? = nil) {
        guard let context = side == .downstream ? downstream : upstream else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(NIOAny(frame), promise: promise)
        if reading {
            if side == .downstream { downstreamDirty = true } else { upstreamDirty = true }
        } else {
            context.flush()
        }
    }

    /// The end of a read on either side: flush what was written and hand the taps to the recorder.
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
        submitTaps()
    }

    func tap(_ event: TapEvent) {
        taps.append(event)
        if !reading { submitTaps() }
    }

    private func submitTaps() {
        guard !taps.isEmpty else { return }
        recorder.submit(taps)
        taps.removeAll(keepingCapacity: true)
    }

    /// Closes both sides now (after flushing what was written).
    func close() {
        downstream?.flush()
        upstream?.flush()
        downstreamChannel?.close(promise: nil)
        upstreamChannel?.close(promise: nil)
    }
}
