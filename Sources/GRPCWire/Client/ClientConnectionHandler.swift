import GRPCProtocol
import NIOCore
import NIOHPACK
import NIOHTTP2

/// The gRPC client side of one HTTP/2 connection, sitting right after `HTTP2ClientCodec` and exchanging
/// `HTTP2Frame`s with it directly: one table of calls by stream id, no child channel per stream.
///
/// It assigns stream ids, queues calls beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS, gives receive
/// windows back with WINDOW_UPDATE, honours GOAWAY, sends keepalive pings, and batches flushes while a
/// read is in progress so that calls started from callbacks share one syscall.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    enum Phase {
        case awaitingSettings
        case ready
        case goingAway(lastStreamID: HTTP2StreamID, code: HTTP2ErrorCode)
        case closed

        /// Neither told to go away by the server nor closed.
        var isOpen: Bool {
            switch self {
            case .awaitingSettings, .ready: true
            case .goingAway, .closed: false
            }
        }
    }

    let configuration: ClientConnection.Configuration
    let target: String
    let shared: ConnectionState
    let readyPromise: EventLoopPromise<Void>
    let compression = CompressionCache()
    private(set) var allocator = ByteBufferAllocator()
    let scheme: String
    private let authority: String
    private let acceptEncodingValue: String?

    var context: ChannelHandlerContext?
    var phase = Phase.awaitingSettings
    var calls: [HTTP2StreamID: ClientCall] = [:]
    var queued = CircularBuffer<ClientCall>()
    var nextStreamID = HTTP2StreamID(1)
    var peerMaxConcurrentStreams = 100
    /// The server's SETTINGS_MAX_HEADER_LIST_SIZE, once it sent one (HTTP/2 sets no limit until then).
    var peerMaxHeaderListSize: Int?
    var connectionWindow: InboundWindow
    var isReading = false
    var flushPending = false
    /// Set between `ClientConnection.beginBatch()` and `endBatch()`: writes wait for the batch's end.
    var isBatching = false
    var emptyBuffer = ByteBuffer()
    var terminalFailure: TransportFailure?
    var headerTemplates: [TemplateKey: RequestHeaderTemplate] = [:]
    /// The last timeout encoded, and its header value: calls usually share one timeout.
    var lastTimeout: TimeAmount?
    var lastTimeoutHeader = ""
    var lastTemplateKey: TemplateKey?
    var lastTemplate: RequestHeaderTemplate?
    /// The client codec below, which takes requests' header blocks and DATA directly and hands frames up
    /// directly (nil in tests that read frames).
    var codec: HTTP2ClientCodec?
    var deadlineHead: ClientCall?
    unowned(unsafe) var deadlineTail: ClientCall?
    var deadlineTimer: NIOScheduledCallback?
    var deadlineTimerAt: NIODeadline?
    /// Why calls started after the connection closed fail (GOAWAY, when that was the reason).
    var failureForNewCalls: TransportFailure?
    /// Set by ``ClientConnection/closeWhenIdle()``: no new calls; the connection closes once the calls it
    /// has (open and queued) have ended.
    var closingWhenIdle = false
    var keepalive: KeepaliveState?

    init(
        configuration: ClientConnection.Configuration, target: String, authority: String, useTLS: Bool,
        shared: ConnectionState, readyPromise: EventLoopPromise<Void>
    ) {
        self.configuration = configuration
        self.target = target
        self.authority = authority
        self.scheme = useTLS ? "https" : "http"
        self.shared = shared
        self.readyPromise = readyPromise
        self.connectionWindow = InboundWindow(size: configuration.http2.connectionWindowSize)
        let names = configuration.acceptedEncodings.map(\.name)
        self.acceptEncodingValue = names.isEmpty ? nil : names.joined(separator: ",")
    }

    /// The SETTINGS this client sends in its preface.
    static func initialSettings(_ configuration: ClientConnection.Configuration) -> HTTP2Settings {
        [
            HTTP2Setting(parameter: .enablePush, value: 0),
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 0),
            HTTP2Setting(parameter: .initialWindowSize, value: configuration.http2.streamWindowSize),
            HTTP2Setting(parameter: .maxFrameSize, value: configuration.http2.maxFrameSize),
            HTTP2Setting(parameter: .maxHeaderListSize, value: configuration.http2.maxHeaderListSize),
        ]
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        codec = try? context.pipeline.syncOperations.handler(type: HTTP2ClientCodec.self)
        codec?.frameReceiver = self
        allocator = context.channel.allocator
        emptyBuffer = allocator.buffer(capacity: 0)
        if context.channel.isActive { growConnectionWindow(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        growConnectionWindow(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadlineTimer()
        self.context = nil
        codec?.frameReceiver = nil
        codec = nil
    }

    /// Raises the connection window from the protocol's 65,535 bytes to the configured size.
    private func growConnectionWindow(context: ChannelHandlerContext) {
        let increment = configuration.http2.connectionWindowSize - 65535
        guard increment > 0 else { return }
        context.writeAndFlush(
            wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: increment))),
            promise: nil)
    }

    // MARK: Calls

    /// Starts a call: opens a stream now, or queues it until a stream slot frees up.
    func startCall(_ call: ClientCall) {
        call.connection = self
        if let deadline = call.deadline {
            if deadline <= call.eventLoop.now {
                call.finishLocally(GRPCStatus(code: .deadlineExceeded, message: "context deadline exceeded"))
                return
            }
        }
        switch phase {
        case .closed:
            call.finishLocally(unavailable(failureForNewCalls ?? terminalFailure ?? closedFailure()))
            return
        case .goingAway(let lastStreamID, let code):
            call.finishLocally(unavailable(goAwayFailure(lastStreamID: lastStreamID, code: code)))
            return
        case .awaitingSettings where closingWhenIdle, .ready where closingWhenIdle:
            call.finishLocally(unavailable(closingFailure()))
            return
        case .awaitingSettings:
            call.wasQueued = true
            queued.append(call)
        case .ready:
            if queued.isEmpty && calls.count < maxConcurrentStreams {
                open(call)
            } else {
                call.wasQueued = true
                queued.append(call)
            }
        }
        if !call.isFinished { trackDeadline(call) }
    }

    private var maxConcurrentStreams: Int {
        min(peerMaxConcurrentStreams, configuration.http2.maxConcurrentStreams)
    }

    private func open(_ call: ClientCall) {
        guard let context else { return }
        if let failure = call.options.metadata.validationFailure() {
            call.finishLocally(GRPCStatus(code: .internalError, message: failure))
            return
        }
        let template = headerTemplate(for: TemplateKey(path: call.path, userAgent: call.options.userAgent))
        let compression = call.options.compression?.name
        let timeout = timeoutHeader(for: call)
        var metadata: HPACKHeaders?
        if !call.options.metadata.isEmpty {
            var headers = HPACKHeaders()
            call.options.metadata.append(to: &headers)
            metadata = headers
        }
        if let limit = peerMaxHeaderListSize {
            var size = template.listSize
            if let compression { size += RequestHeaderEncoder.fieldSize("grpc-encoding", compression) }
            if let timeout { size += RequestHeaderEncoder.fieldSize("grpc-timeout", timeout) }
            for (name, value, _) in metadata ?? HPACKHeaders() { size += RequestHeaderEncoder.fieldSize(name, value) }
            if size > limit {
                // Sent anyway, the server would end the whole connection (a GOAWAY, or just EOF) and every
                // call on it with no word about why.
                call.finishLocally(
                    GRPCStatus(
                        code: .resourceExhausted,
                        message: "the request's headers are \(size) bytes (name + value + 32 per field), over the "
                            + "\(limit) the server accepts (its SETTINGS_MAX_HEADER_LIST_SIZE); send less metadata"))
                return
            }
        }
        let streamID = nextStreamID
        guard Int(streamID) < Int(HTTP2StreamID.maxID) - 2 else {
            // Stream ids are spent: this connection can only finish what it has.
            shared.stopAcceptingCalls()
            call.finishLocally(
                unavailable(TransportFailure(.goAway, "the connection ran out of stream ids", isSafeToRetry: true)))
            return
        }
        nextStreamID = streamID.advanced(by: 2)
        calls[streamID] = call
        shared.streamOpened()
        if let codec {
            codec.writeRequestHeaders(
                template, compression: compression, timeout: timeout, metadata: metadata, streamID: streamID)
        } else {
            var headers = template.headers
            if let compression { headers.add(name: "grpc-encoding", value: compression) }
            if let timeout { headers.add(name: "grpc-timeout", value: timeout) }
            if let metadata { headers.add(contentsOf: metadata) }
            context.write(
                wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .headers(.init(headers: headers)))),
                promise: nil)
        }
        call.opened(streamID: streamID)
        flushSoon()
    }

    /// The call's grpc-timeout value, if it has a deadline.
    private func timeoutHeader(for call: ClientCall) -> String? {
        guard let deadline = call.deadline else { return nil }
        // A call opened as it started has its whole timeout left; only a queued one reads the clock.
        let remaining = call.wasQueued ? deadline - call.eventLoop.now : call.options.timeout ?? .zero
        if remaining != lastTimeout {
            lastTimeout = remaining
            lastTimeoutHeader = GRPCTimeout.encode(remaining)
        }
        return lastTimeoutHeader
    }

    /// What a header template is built for: a method, and the user agent when a call brings its own.
    struct TemplateKey: Hashable {
        var path: String
        var userAgent: String?
    }

    /// The headers every call to a method starts with, built once: `HPACKHeaders.add` checks each name,
    /// and doing that for eight constant headers per call is a measurable share of a unary call.
    private func headerTemplate(for key: TemplateKey) -> RequestHeaderTemplate {
        if key == lastTemplateKey, let lastTemplate { return lastTemplate }
        let template =
            headerTemplates[key]
            ?? {
                var headers = HPACKHeaders()
                headers.reserveCapacity(12)
                headers.add(name: ":method", value: "POST")
                headers.add(name: ":scheme", value: scheme)
                headers.add(name: ":path", value: key.path)
                headers.add(name: ":authority", value: authority)
                headers.add(name: "content-type", value: ContentType.grpc)
                headers.add(name: "te", value: "trailers")
                headers.add(name: "user-agent", value: key.userAgent ?? configuration.userAgent)
                if let acceptEncodingValue { headers.add(name: "grpc-accept-encoding", value: acceptEncodingValue) }
                if headerTemplates.count >= 256 { headerTemplates.removeAll() }
                let template = RequestHeaderTemplate(headers)
                headerTemplates[key] = template
                return template
            }()
        lastTemplateKey = key
        lastTemplate = template
        return template
    }

    /// Frames a request message with the connection's compressors.
    func frame(
        _ message: ByteBuffer, compression: CompressionAlgorithm?, maxSize: Int
    ) throws(GRPCStatus) -> ByteBuffer {
        try MessageFramer.frame(
            message, compressor: compression.map { self.compression.compressor($0) }, maxSize: maxSize,
            allocator: allocator)
    }

    func writeData(_ data: ByteBuffer?, streamID: HTTP2StreamID, endStream: Bool, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        if let codec {
            codec.writeData(data ?? emptyBuffer, streamID: streamID, endStream: endStream, promise: promise)
        } else {
            let payload = HTTP2Frame.FramePayload.Data(data: .byteBuffer(data ?? emptyBuffer), endStream: endStream)
            context.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .data(payload))), promise: promise)
        }
        flushSoon()
    }

    func writeWindowUpdate(streamID: HTTP2StreamID, increment: Int) {
        guard let context else { return }
        context.write(
            wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .windowUpdate(windowSizeIncrement: increment))),
            promise: nil)
        flushSoon()
    }

    /// A call ended: forget it, reset its stream if asked, and let a queued call have its slot.
    func callFinished(_ call: ClientCall, resetStream: Bool) {
        untrackDeadline(call)
        if let streamID = call.streamID {
            guard calls.removeValue(forKey: streamID) != nil else { return }
            shared.streamClosed()
            if resetStream, let context {
                context.write(
                    wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .rstStream(.cancel))), promise: nil)
                flushSoon()
            }
            openQueuedCalls()
            if case .goingAway = phase, calls.isEmpty { context?.close(promise: nil) }
        } else if let index = queued.firstIndex(where: { $0 === call }) {
            queued.remove(at: index)
        }
        if closingWhenIdle { closeIfIdle() }
    }

    /// No new calls from here on; closes the connection as soon as no call is open or queued (at once if
    /// none is), telling the server with GOAWAY (NO_ERROR) first, as a client that is done with it does.
    func closeWhenIdle() {
        guard phase.isOpen else { return }
        closingWhenIdle = true
        shared.stopAcceptingCalls()
        closeIfIdle()
    }

    private func closeIfIdle() {
        guard calls.isEmpty, queued.isEmpty, phase.isOpen, let context else { return }
        failureForNewCalls = closingFailure()
        context.write(
            wrapOutboundOut(
                HTTP2Frame(
                    streamID: .rootStream,
                    payload: .goAway(lastStreamID: .rootStream, errorCode: .noError, opaqueData: nil))),
            promise: nil)
        context.flush()
        context.close(promise: nil)
    }

    /// The server refused `call`'s stream before answering: it queues again with its request, behind the
    /// stream limit, and the slot it held goes to the next call.
    func retryRefused(_ call: ClientCall, request: ByteBuffer) {
        untrackDeadline(call)
        if let streamID = call.streamID, calls.removeValue(forKey: streamID) != nil { shared.streamClosed() }
        call.streamID = nil
        call.queuedWrites.append(QueuedWrites.Write(message: request, endStream: true, promise: nil))
        startCall(call)
        openQueuedCalls()
    }

    func openQueuedCalls() {
        guard case .ready = phase else { return }
        while calls.count < maxConcurrentStreams, let next = queued.popFirst() {
            if !next.isFinished { open(next) }
        }
    }

    /// Flushes now, or at the end of the current read so several writes share one syscall.
    func flushSoon() {
        if isReading || isBatching {
            flushPending = true
        } else {
            context?.flush()
        }
    }

    /// The end of a batch: one flush for everything written in it (unless a read will flush at its end).
    func endBatch() {
        isBatching = false
        if flushPending, !isReading {
            flushPending = false
            context?.flush()
        }
    }

    func unavailable(_ failure: TransportFailure) -> GRPCStatus {
        GRPCStatus(code: .unavailable, message: failure.message, transportFailure: failure)
    }

    func closingFailure() -> TransportFailure {
        TransportFailure(
            .connectionClosed, "this client is done with the connection to \(target): it takes no new calls",
            isSafeToRetry: true)
    }

    func closedFailure() -> TransportFailure {
        TransportFailure(.connectionClosed, "error reading from server: EOF (\(target) closed the connection)")
    }

    func goAwayFailure(lastStreamID: HTTP2StreamID, code: HTTP2ErrorCode) -> TransportFailure {
        TransportFailure(
            .goAway,
            "the server sent GOAWAY (\(TransportFailure.name(of: code)), last stream \(lastStreamID)) before "
                + "processing this call; it is safe to retry on a new connection",
            http2ErrorCode: code, isSafeToRetry: true)
    }
}
