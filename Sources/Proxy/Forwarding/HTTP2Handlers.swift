import NIOCore
import NIOHTTP2

/// The `NIOHTTP2Handler`s of both sides, with NIO's DoS limits raised as GRPCWire raises them: a proxy in
/// front of load tests meets legitimate bursts of resets, pings and late frames for reset streams.
enum HTTP2Handlers {
    static func make(
        mode: NIOHTTP2Handler.ParserMode, configuration: ProxyConfiguration.HTTP2, witness: GoAwayWitness
    ) -> NIOHTTP2Handler {
        var settings: HTTP2Settings = [
            HTTP2Setting(parameter: .initialWindowSize, value: configuration.streamWindowSize),
            HTTP2Setting(parameter: .maxFrameSize, value: configuration.maxFrameSize),
            HTTP2Setting(parameter: .maxHeaderListSize, value: configuration.maxHeaderListSize),
        ]
        if mode == .server {
            settings.append(HTTP2Setting(parameter: .maxConcurrentStreams, value: configuration.maxConcurrentStreams))
        } else {
            settings.append(HTTP2Setting(parameter: .enablePush, value: 0))
        }
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = settings
        // The client side checks what clients send; what servers send is passed on as it is.
        connection.headerBlockValidation = mode == .server ? .enabled : .disabled
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
            mode: mode, frameDelegate: witness, connectionConfiguration: connection, streamConfiguration: stream)
    }
}
