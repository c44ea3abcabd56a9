/// One end of a TCP connection: an IPv4 or IPv6 address and a port, stored without allocating.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// The address's first 8 bytes (IPv6) or 0 (IPv4).
    var high: UInt64
    /// The address's last 8 bytes (IPv6) or the IPv4 address in its low 32 bits.
    var low: UInt64
    /// The TCP port.
    public var port: UInt16
    /// Whether the address is IPv6.
    public var isIPv6: Bool

    /// The address as text: dotted IPv4, or IPv6 with the longest run of zero groups shortened.
    public var address: String {
        if !isIPv6 {
            let a = UInt32(truncatingIfNeeded: low)
            return "\(a >> 24).\(a >> 16 & 0xFF).\(a >> 8 & 0xFF).\(a & 0xFF)"
        }
        let groups = (0..<8).map { i -> UInt16 in
            let word = i < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (48 - 16 * (i % 4)))
        }
        var bestStart = -1
        var bestLength = 1
        var i = 0
        while i < 8 {
            guard groups[i] == 0 else {
                i += 1
                continue
            }
            var j = i
            while j < 8, groups[j] == 0 { j += 1 }
            if j - i > bestLength {
                bestStart = i
                bestLength = j - i
            }
            i = j
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// `address:port`, with IPv6 addresses in brackets.
    public var description: String { isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }
}

/// A TCP connection's two ends, in a fixed order so both directions find the same flow.
struct FlowKey: Hashable {
    var lower: Endpoint
    var upper: Endpoint

    /// The key of the connection `source` → `destination` belongs to, and whether `source` is `lower`.
    init(_ source: Endpoint, _ destination: Endpoint) {
        if (source.high, source.low, source.port) <= (destination.high, destination.low, destination.port) {
            lower = source
            upper = destination
        } else {
            lower = destination
            upper = source
        }
    }
}
