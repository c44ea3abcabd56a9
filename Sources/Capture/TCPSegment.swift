/// The TCP header fields reassembly needs, and where the segment's payload lies in the packet.
struct TCPSegment {
    static let fin: UInt8 = 0x01
    static let syn: UInt8 = 0x02
    static let rst: UInt8 = 0x04
    static let ack: UInt8 = 0x10

    var source: Endpoint
    var destination: Endpoint
    var sequence: UInt32
    var acknowledgment: UInt32
    var flags: UInt8
    /// Where the payload starts in the captured bytes.
    var payloadOffset: Int
    /// Payload bytes captured.
    var payloadLength: Int
    /// Payload bytes sent but not captured (the capture's snapshot length cut the packet).
    var missingLength: Int

    func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
}

/// Why a packet was not a TCP segment Reprise reads.
enum PacketSkip: Int, CaseIterable {
    case notIP
    case notTCP
    case fragment
    case truncated

    var description: String {
        switch self {
        case .notIP: "not IPv4 or IPv6"
        case .notTCP: "not TCP"
        case .fragment: "IP fragments (not reassembled)"
        case .truncated: "cut before the end of the TCP header"
        }
    }
}
