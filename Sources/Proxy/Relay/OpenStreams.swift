import GRPCProtocol

/// The streams of a relayed connection that have not ended, from the frames the relay saw pass: a
/// draining connection closes once none is left. Holds the calls in flight, never the calls done.
struct OpenStreams {
    private struct Ends: OptionSet {
        let rawValue: UInt8
        static let client = Ends(rawValue: 1)
        static let server = Ends(rawValue: 2)
    }

    private var streams: [UInt32: Ends] = [:]
    /// The largest stream id the client opened.
    private(set) var highest: UInt32 = 0

    var isEmpty: Bool { streams.isEmpty }
    var count: Int { streams.count }

    /// A frame passed from the client (`fromClient`) or the server.
    mutating func saw(_ frame: FrameScanner.Frame, fromClient: Bool) {
        switch frame.type {
        case HTTP2FrameType.headers, HTTP2FrameType.data:
            if fromClient, frame.type == HTTP2FrameType.headers, frame.stream > highest {
                highest = frame.stream
                streams[frame.stream] = []
            }
            guard frame.endStream, var ends = streams[frame.stream] else { return }
            ends.insert(fromClient ? .client : .server)
            if ends == [.client, .server] {
                streams.removeValue(forKey: frame.stream)
            } else {
                streams[frame.stream] = ends
            }
        case HTTP2FrameType.rstStream:
            streams.removeValue(forKey: frame.stream)
        case HTTP2FrameType.goAway where !fromClient:
            // Streams above the server's last one will never be processed: they are over.
            let last = UInt32(truncatingIfNeeded: frame.head >> 32) & 0x7FFF_FFFF
            streams = streams.filter { $0.key <= last }
        default:
            break
        }
    }

    /// Forgets every stream (the connection is gone).
    mutating func removeAll() { streams.removeAll() }
}
