/// HTTP/2 frame types (RFC 9113 section 6), as the 4th byte of a frame header carries them.
public enum HTTP2FrameType {
    public static let data: UInt8 = 0x0
    public static let headers: UInt8 = 0x1
    public static let priority: UInt8 = 0x2
    public static let rstStream: UInt8 = 0x3
    public static let settings: UInt8 = 0x4
    public static let pushPromise: UInt8 = 0x5
    public static let ping: UInt8 = 0x6
    public static let goAway: UInt8 = 0x7
    public static let windowUpdate: UInt8 = 0x8
    public static let continuation: UInt8 = 0x9
}

/// HTTP/2 frame flags (RFC 9113 section 6), the 5th byte of a frame header; which apply depends on the type.
public enum HTTP2FrameFlags {
    /// DATA and HEADERS: the sender's last frame on the stream.
    public static let endStream: UInt8 = 0x1
    /// SETTINGS and PING: an acknowledgement.
    public static let ack: UInt8 = 0x1
    /// HEADERS, PUSH_PROMISE and CONTINUATION: the header block ends with this frame.
    public static let endHeaders: UInt8 = 0x4
    /// DATA, HEADERS and PUSH_PROMISE: a pad length byte comes first and padding last.
    public static let padded: UInt8 = 0x8
    /// HEADERS: 5 bytes of priority come first (after the pad length).
    public static let priority: UInt8 = 0x20
}
