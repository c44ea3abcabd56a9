import NIOHTTP2

/// Tells a side's handler whether `NIOHTTP2Handler` itself wrote a GOAWAY: NIO reports stream and
/// connection protocol errors alike through `errorCaught`, and only a connection error (always announced
/// by a GOAWAY it writes) must bring the connection down.
final class GoAwayWitness: NIOHTTP2FrameDelegate {
    private(set) var goAwaysWritten = 0
    /// GOAWAYs the proxy wrote itself (forwarded or draining), to tell them from NIO's.
    var ownGoAways = 0

    func wroteFrame(_ frame: HTTP2Frame) {
        if case .goAway = frame.payload { goAwaysWritten += 1 }
    }

    /// Whether NIO wrote a GOAWAY of its own: the connection failed a protocol check.
    var sawConnectionError: Bool { goAwaysWritten > ownGoAways }
}
