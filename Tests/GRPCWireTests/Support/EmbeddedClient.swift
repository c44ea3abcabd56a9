import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2

@testable import GRPCWire

/// A client connection handler on an `EmbeddedChannel`, fed `HTTP2Frame`s by hand: the protocol logic
/// without sockets, without NIOHTTP2Handler, without time passing unless the test advances it.
final class EmbeddedClient {
    let channel = EmbeddedChannel()
    let handler: ClientConnectionHandler
    let ready: EventLoopPromise<Void>

    init(configuration: ClientConnection.Configuration = .defaults) throws {
        let loop = channel.embeddedEventLoop
        ready = loop.makePromise()
        handler = ClientConnectionHandler(
            configuration: configuration, target: "embedded:1", authority: "embedded:1", useTLS: false,
            shared: ConnectionState(), readyPromise: ready)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    /// One call's events.
    class Observed: ClientCallDelegate {
        var headers: Metadata?
        var messages: [ByteBuffer] = []
        var result: CallResult?
        func callReceivedHeaders(_ call: ClientCall, headers: Metadata) { self.headers = headers }
        func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) { messages.append(message) }
        func callFinished(_ call: ClientCall, result: CallResult) { self.result = result }
    }

    /// The server's SETTINGS arrive.
    func settings(maxConcurrentStreams: Int) throws {
        try channel.writeInbound(
            HTTP2Frame(
                streamID: .rootStream,
                payload: .settings(
                    .settings([HTTP2Setting(parameter: .maxConcurrentStreams, value: maxConcurrentStreams)]))
            ))
    }

    /// Starts a unary call with a one-byte request.
    @discardableResult
    func startUnary(
        options: CallOptions = .defaults, observer: Observed = Observed()
    ) -> Observed {
        let call = makeCall(options: options, observer: observer)
        call.sendsOnly(ByteBuffer(bytes: [42]))
        handler.startCall(call)
        return observer
    }

    /// Makes (does not start) a call.
    func makeCall(options: CallOptions = .defaults, observer: Observed) -> ClientCall {
        ClientCall(
            path: "/t.T/M", options: options, eventLoop: channel.embeddedEventLoop, delegate: observer,
            acceptedEncodings: CompressionAlgorithm.all, streamWindowSize: handler.configuration.http2.streamWindowSize)
    }

    /// Every frame written so far.
    func written() throws -> [HTTP2Frame] {
        var frames: [HTTP2Frame] = []
        while let frame = try channel.readOutbound(as: HTTP2Frame.self) { frames.append(frame) }
        return frames
    }

    func receive(goAwayLastStreamID: Int, code: HTTP2ErrorCode = .noError) throws {
        try channel.writeInbound(
            HTTP2Frame(
                streamID: .rootStream,
                payload: .goAway(lastStreamID: HTTP2StreamID(goAwayLastStreamID), errorCode: code, opaqueData: nil)))
    }

    func receive(_ payload: HTTP2Frame.FramePayload, on streamID: Int) throws {
        try channel.writeInbound(HTTP2Frame(streamID: HTTP2StreamID(streamID), payload: payload))
    }

    /// A whole OK response: headers, one message, trailers.
    func respondOK(streamID: Int, message: [UInt8] = [7]) throws {
        try receive(.headers(.init(headers: [":status": "200", "content-type": "application/grpc"])), on: streamID)
        var framed = ByteBuffer(bytes: [0, 0, 0, 0, UInt8(message.count)])
        framed.writeBytes(message)
        try receive(.data(.init(data: .byteBuffer(framed))), on: streamID)
        try receive(.headers(.init(headers: ["grpc-status": "0"], endStream: true)), on: streamID)
    }
}
