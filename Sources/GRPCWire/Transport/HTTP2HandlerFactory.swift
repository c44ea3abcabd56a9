import NIOCore
import NIOHTTP2

/// Builds the server's `NIOHTTP2Handler` (the client has its own `HTTP2ClientCodec`). NIO's DoS heuristics
/// are tuned for servers facing the open internet; a load tool meets legitimate bursts of RST_STREAM (mass
/// deadlines, cancellations), of PINGs (grpc-core's BDP probes) and of late frames for reset streams, so
/// the limits are raised well above what such bursts produce while still bounding a misbehaving peer. (Each
/// rate limiter preallocates its count of timestamps, so the counts stay in the thousands per second.)
enum HTTP2HandlerFactory {
    /// The handler with NIO's strict header block checks on.
    static func makeServer(settings: HTTP2Settings, witness: GoAwayWitness) -> NIOHTTP2Handler {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = settings
        connection.headerBlockValidation = .enabled
        // gRPC never uses content-length; checking it only adds work.
        connection.contentLengthValidation = .disabled
        connection.maximumSequentialEmptyDataFrames = 16
        connection.maximumBufferedControlFrames = 100_000
        connection.maximumRecentlyResetStreams = 4096
        connection.maximumConnectionGlitches = 1_000_000
        connection.controlFrameRateLimit.maximumCount = 10_000
        connection.controlFrameRateLimit.windowLength = .seconds(1)
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.streamResetFrameRateLimit.maximumCount = 10_000
        stream.streamResetFrameRateLimit.windowLength = .seconds(1)
        stream.streamErrorRateLimit.maximumCount = 10_000
        stream.streamErrorRateLimit.windowLength = .seconds(1)
        return NIOHTTP2Handler(
            mode: .server, frameDelegate: witness, connectionConfiguration: connection, streamConfiguration: stream)
    }
}
