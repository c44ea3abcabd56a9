import NIOCore
import NIOHPACK
import NIOHTTP2

/// The gRPC server side of one HTTP/2 connection, right after `NIOHTTP2Handler`, exchanging `HTTP2Frame`s
/// with it: routes each new stream by `:path` to a handler object, no child channel per stream.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    enum Drain {
        case none
        /// The first GOAWAY (last id = max) and a PING went out; waiting for the PING's ACK.
        case announced
        /// The final GOAWAY went out; the connection closes when its calls are done.
        case final
    }

    let configuration: GRPCServer.Configuration
    let router: ServerRouter
    let witness: GoAwayWitness
    /// GOAWAY frames this handler sent itself (draining), to tell them from NIO's.
    var ownGoAways = 0
    let compression = CompressionCache()
    let acceptEncodingValue: String?
    var allocator = ByteBufferAllocator()
    var context: ChannelHandlerContext?
    var calls: [HTTP2StreamID: ServerCall] = [:]
    var connectionWindow: InboundWindow
    var isReading = false
    var flushPending = false
    var lastStreamID = HTTP2StreamID.rootStream
    var drain = Drain.none
    static let drainPing = HTTP2PingData(withInteger: 0x7265_7072_6973_6521)

    init(configuration: GRPCServer.Configuration, router: ServerRouter, witness: GoAwayWitness) {
        self.witness = witness
        self.configuration = configuration
        self.router = router
        self.connectionWindow = InboundWindow(size: configuration.http2.connectionWindowSize)
        let names = configuration.acceptedEncodings.map(\.name)
        self.acceptEncodingValue = names.isEmpty ? nil : names.joined(separator: ",")
    }

    static func initialSettings(_ configuration: GRPCServer.Configuration) -> HTTP2Settings {
        [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: configuration.http2.maxConcurrentStreams),
            HTTP2Setting(parameter: .initialWindowSize, value: configuration.http2.streamWindowSize),
            HTTP2Setting(parameter: .maxFrameSize, value: configuration.http2.maxFrameSize),
            HTTP2Setting(parameter: .maxHeaderListSize, value: configuration.http2.maxHeaderListSize),
        ]
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
        if context.channel.isActive { growConnectionWindow(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        growConnectionWindow(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    private func growConnectionWindow(context: ChannelHandlerContext) {
        let increment = configuration.http2.connectionWindowSize - 65535
        guard increment > 0 else { return }
        context.writeAndFlush(
            wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: increment))),
            promise: nil)
    }

    // MARK: Writing

    func frame(_ message: ByteBuffer, compression: CompressionAlgorithm?) throws(GRPCStatus) -> ByteBuffer {
        try MessageFramer.frame(
            message, compressor: compression.map { self.compression.compressor($0) },
            maxSize: configuration.maxSendMessageSize, allocator: allocator)
    }

    func writeHeaders(_ headers: HPACKHeaders, streamID: HTTP2StreamID, endStream: Bool) {
        context?.write(
            wrapOutboundOut(
                HTTP2Frame(streamID: streamID, payload: .headers(.init(headers: headers, endStream: endStream)))),
            promise: nil)
        flushSoon()
    }

    func writeData(_ data: ByteBuffer, streamID: HTTP2StreamID, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(
            wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .data(.init(data: .byteBuffer(data))))),
            promise: promise)
        flushSoon()
    }

    func writeReset(streamID: HTTP2StreamID, code: HTTP2ErrorCode) {
        context?.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .rstStream(code))), promise: nil)
        flushSoon()
    }

    /// Ends a stream whose response is complete while the client may still send: the response goes out
    /// first, then RST_STREAM(NO_ERROR). NIOHTTP2 drops a stream's unflushed frames when it is reset, so a
    /// reset written right behind an answer made during a read would throw the answer away.
    func writeResetAfterResponse(streamID: HTTP2StreamID) {
        context?.flush()
        writeReset(streamID: streamID, code: .noError)
    }

    func writeWindowUpdate(streamID: HTTP2StreamID, increment: Int) {
        context?.write(
            wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .windowUpdate(windowSizeIncrement: increment))),
            promise: nil)
        flushSoon()
    }

    func flushSoon() {
        if isReading {
            flushPending = true
        } else {
            context?.flush()
        }
    }

    /// A call is over: forget it; a draining connection closes after its last call.
    func callEnded(_ call: ServerCall) {
        calls.removeValue(forKey: call.streamID)
        if case .final = drain, calls.isEmpty { context?.close(promise: nil) }
    }

    // MARK: Graceful shutdown

    /// Starts a graceful shutdown: GOAWAY with the largest id (no new streams, please) and a PING; when the
    /// ACK proves the client has seen it, a final GOAWAY names the last stream that will be served.
    func startDraining() {
        guard case .none = drain, let context else { return }
        drain = .announced
        ownGoAways += 1
        context.write(
            wrapOutboundOut(
                HTTP2Frame(
                    streamID: .rootStream, payload: .goAway(lastStreamID: .maxID, errorCode: .noError, opaqueData: nil))
            ), promise: nil)
        context.writeAndFlush(
            wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .ping(Self.drainPing, ack: false))), promise: nil
        )
    }

    func sendFinalGoAway() {
        guard case .announced = drain, let context else { return }
        drain = .final
        ownGoAways += 1
        context.writeAndFlush(
            wrapOutboundOut(
                HTTP2Frame(
                    streamID: .rootStream,
                    payload: .goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil))), promise: nil)
        if calls.isEmpty { context.close(promise: nil) }
    }
}
