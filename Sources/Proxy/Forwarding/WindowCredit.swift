/// The receive side of one HTTP/2 flow-control window the proxy advertises: bytes are credited once they
/// were written to the other side, and given back in WINDOW_UPDATEs of at least half the window, so a busy
/// stream sends one update per half window rather than one per frame.
struct WindowCredit {
    let size: Int
    private var unreturned = 0

    init(size: Int) { self.size = size }

    /// Records written bytes; returns the increment to send now, if it is time.
    mutating func credit(_ bytes: Int) -> Int? {
        guard bytes > 0 else { return nil }
        unreturned += bytes
        guard unreturned >= size / 2 else { return nil }
        defer { unreturned = 0 }
        return unreturned
    }
}
