/// The bytes libFuzzer hands a target, read front to back: a few leading bytes pick what to do with
/// the rest (which message type, which options, which direction), so one corpus explores all of them.
public struct FuzzInput {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0

    /// The input `LLVMFuzzerTestOneInput` was called with.
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = UnsafeBufferPointer(start: data, count: size)
    }

    /// Whether every byte was taken.
    public var isEmpty: Bool { offset >= bytes.count }

    /// The next byte, or nil at the end.
    public mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// The next `count` bytes (fewer at the end).
    public mutating func bytes(_ count: Int) -> UnsafeBufferPointer<UInt8> {
        let end = min(bytes.count, offset + max(0, count))
        defer { offset = end }
        return UnsafeBufferPointer(rebasing: bytes[offset..<end])
    }

    /// Everything not yet taken.
    public mutating func rest() -> UnsafeBufferPointer<UInt8> { bytes(bytes.count - offset) }
}
