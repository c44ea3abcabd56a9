/// The receive side of one HTTP/2 flow-control window (a stream's or the connection's): counts bytes the
/// application has consumed and says when to give them back with WINDOW_UPDATE. Updates are batched to
/// half the window so a busy stream sends one WINDOW_UPDATE per half window, not one per frame.
struct InboundWindow {
    /// The window size advertised to the peer.
    let size: Int
    private var unreturned = 0

    init(size: Int) { self.size = size }

    /// Records consumed bytes; returns the increment to send now, if it is time.
    mutating func consumed(_ bytes: Int) -> Int? {
        guard bytes > 0 else { return nil }
        unreturned += bytes
        guard unreturned >= size / 2 else { return nil }
        defer { unreturned = 0 }
        return unreturned
    }
}
