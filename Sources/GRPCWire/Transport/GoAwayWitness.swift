import NIOHTTP2

/// Tells the connection handlers whether `NIOHTTP2Handler` itself sent a GOAWAY.
///
/// NIOHTTP2Handler reports both stream-level and connection-level protocol errors through `errorCaught`,
/// without saying which. A connection error is always preceded by a GOAWAY it writes; a stream error is
/// followed by the stream's closure instead. Only the former must bring the connection down, so a burst
/// of late frames for reset streams does not kill every other call.
final class GoAwayWitness: NIOHTTP2FrameDelegate {
    private(set) var goAwaysWritten = 0

    func wroteFrame(_ frame: HTTP2Frame) {
        if case .goAway = frame.payload { goAwaysWritten += 1 }
    }
}

extension Error {
    /// Whether the error comes from swift-nio-http2's protocol checks (as opposed to I/O or TLS).
    var isHTTP2ProtocolError: Bool {
        String(reflecting: type(of: self)).hasPrefix("NIOHTTP2.")
    }
}
