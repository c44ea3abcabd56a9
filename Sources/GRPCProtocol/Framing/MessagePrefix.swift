/// The 5 bytes before every gRPC message on the wire: a flag byte (1: the payload is compressed with the
/// stream's `grpc-encoding`), then the payload's length, 4 bytes big-endian. Readers that buffer bytes
/// their own way (GRPCWire's deframer on `ByteBuffer`s, a passive observer) read and check prefixes here.
public struct MessagePrefix: Sendable, Hashable {
    /// Bytes of a prefix.
    public static let length = 5

    /// Whether the payload is compressed.
    public var compressed: Bool
    /// Bytes of payload that follow.
    public var payloadLength: Int

    /// What makes a prefix unreadable; ``message`` words it as grpc-go does.
    public enum Problem: Error, Sendable, Hashable {
        /// The length is over the reader's limit.
        case tooLarge(length: Int, limit: Int)
        /// The flag byte is neither 0 nor 1.
        case unknownFlag(UInt8)

        public var message: String {
            switch self {
            case .tooLarge(let length, let limit): "grpc: received message larger than max (\(length) vs. \(limit))"
            case .unknownFlag(let flag): "grpc: received unexpected payload format \(flag) in the message prefix"
            }
        }
    }

    /// A prefix from its fields.
    public init(compressed: Bool, payloadLength: Int) {
        self.compressed = compressed
        self.payloadLength = payloadLength
    }

    /// The prefix whose flag byte and length (as read, big-endian) are given, checked against `limit`.
    public init(flag: UInt8, length: UInt32, limit: Int) throws(Problem) {
        guard Int(length) <= limit else { throw .tooLarge(length: Int(length), limit: limit) }
        guard flag <= 1 else { throw .unknownFlag(flag) }
        compressed = flag == 1
        payloadLength = Int(length)
    }
}
