/// An HTTP/2 frame read back from the bytes a raw test client received (RFC 9113 §4.1): for checking what
/// a peer sent without an HTTP/2 stack in the way.
public struct RawFrame: Sendable, Equatable {
    public var type: UInt8
    public var flags: UInt8
    public var stream: UInt32
    public var payload: [UInt8]

    /// The whole frames in `bytes`, in order; a frame cut short at the end is left out.
    public static func all(in bytes: [UInt8]) -> [RawFrame] {
        var frames: [RawFrame] = []
        var index = 0
        while index + 9 <= bytes.count {
            let length = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            let stream =
                UInt32(bytes[index + 5] & 0x7F) << 24 | UInt32(bytes[index + 6]) << 16
                | UInt32(bytes[index + 7]) << 8 | UInt32(bytes[index + 8])
            guard index + 9 + length <= bytes.count else { break }
            frames.append(
                RawFrame(
                    type: bytes[index + 3], flags: bytes[index + 4], stream: stream,
                    payload: Array(bytes[index + 9..<index + 9 + length])))
            index += 9 + length
        }
        return frames
    }
}
