/// Finds the TCP segment in a captured packet: the link-layer header (``LinkType``), VLAN tags, IPv4 or
/// IPv6 (extension headers skipped), then TCP. Reads the bytes in place; allocates nothing.
enum PacketParser {
    /// The segment in `bytes` (the captured part of a packet of `wireLength` bytes), or why there is none.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, linkType: LinkType, wireLength: Int
    ) -> Result<TCPSegment, PacketSkipError> {
        var offset = 0
        var etherType: UInt16
        switch linkType {
        case .ethernet:
            guard bytes.count >= 14 else { return .failure(.init(.truncated)) }
            etherType = bytes.u16(12)
            offset = 14
        case .linuxCooked:
            guard bytes.count >= 16 else { return .failure(.init(.truncated)) }
            etherType = bytes.u16(14)
            offset = 16
        case .linuxCookedV2:
            guard bytes.count >= 20 else { return .failure(.init(.truncated)) }
            etherType = bytes.u16(0)
            offset = 20
        case .rawIP:
            guard bytes.count >= 1 else { return .failure(.init(.truncated)) }
            etherType = bytes[0] >> 4 == 6 ? 0x86DD : 0x0800
        case .bsdLoopback, .openBSDLoopback:
            guard bytes.count >= 4 else { return .failure(.init(.truncated)) }
            // The family is in the capturing host's byte order (big-endian for OpenBSD's DLT_LOOP); AF_INET is
            // 2 everywhere, AF_INET6 is 10 (Linux), 24, 28 or 30 (the BSDs, macOS).
            let big = bytes.u32(0)
            let family = linkType == .openBSDLoopback || big < 256 ? big : big.byteSwapped
            switch family {
            case 2: etherType = 0x0800
            case 10, 24, 28, 30: etherType = 0x86DD
            default: return .failure(.init(.notIP))
            }
            offset = 4
        }
        // 802.1Q and 802.1ad tags (any depth) sit between the link header and the payload's type.
        while etherType == 0x8100 || etherType == 0x88A8 || etherType == 0x9100 {
            guard bytes.count >= offset + 4 else { return .failure(.init(.truncated)) }
            etherType = bytes.u16(offset + 2)
            offset += 4
        }
        let headerBytes = offset
        switch etherType {
        case 0x0800: return ipv4(bytes, at: offset, wireLength: wireLength - headerBytes)
        case 0x86DD: return ipv6(bytes, at: offset, wireLength: wireLength - headerBytes)
        default: return .failure(.init(.notIP))
        }
    }

    private static func ipv4(
        _ bytes: UnsafeRawBufferPointer, at start: Int, wireLength: Int
    ) -> Result<TCPSegment, PacketSkipError> {
        guard bytes.count >= start + 20, bytes[start] >> 4 == 4 else { return .failure(.init(.truncated)) }
        let headerLength = Int(bytes[start] & 0x0F) * 4
        let totalLength = Int(bytes.u16(start + 2))
        let fragment = bytes.u16(start + 6)
        guard fragment & 0x3FFF == 0 else { return .failure(.init(.fragment)) }
        guard bytes[start + 9] == 6 else { return .failure(.init(.notTCP)) }
        guard headerLength >= 20 else { return .failure(.init(.truncated)) }
        let source = Endpoint(high: 0, low: UInt64(bytes.u32(start + 12)), port: 0, isIPv6: false)
        let destination = Endpoint(high: 0, low: UInt64(bytes.u32(start + 16)), port: 0, isIPv6: false)
        // The IP length, not the frame's, bounds the segment: Ethernet pads short frames.
        let ipLength = totalLength == 0 ? wireLength : min(totalLength, wireLength)
        return tcp(bytes, at: start + headerLength, end: start + ipLength, source, destination)
    }

    private static func ipv6(
        _ bytes: UnsafeRawBufferPointer, at start: Int, wireLength: Int
    ) -> Result<TCPSegment, PacketSkipError> {
        guard bytes.count >= start + 40, bytes[start] >> 4 == 6 else { return .failure(.init(.truncated)) }
        let payloadLength = Int(bytes.u16(start + 4))
        var next = bytes[start + 6]
        let source = Endpoint(high: bytes.u64(start + 8), low: bytes.u64(start + 16), port: 0, isIPv6: true)
        let destination = Endpoint(high: bytes.u64(start + 24), low: bytes.u64(start + 32), port: 0, isIPv6: true)
        let end = start + 40 + (payloadLength == 0 ? wireLength - 40 : min(payloadLength, wireLength - 40))
        var offset = start + 40
        while true {
            switch next {
            case 6:
                return tcp(bytes, at: offset, end: end, source, destination)
            case 0, 43, 60:  // hop-by-hop, routing, destination options
                guard bytes.count >= offset + 2 else { return .failure(.init(.truncated)) }
                next = bytes[offset]
                offset += (Int(bytes[offset + 1]) + 1) * 8
            case 44:
                return .failure(.init(.fragment))
            default:
                return .failure(.init(.notTCP))
            }
        }
    }

    private static func tcp(
        _ bytes: UnsafeRawBufferPointer, at start: Int, end: Int, _ source: Endpoint, _ destination: Endpoint
    ) -> Result<TCPSegment, PacketSkipError> {
        guard bytes.count >= start + 20 else { return .failure(.init(.truncated)) }
        let dataOffset = Int(bytes[start + 12] >> 4) * 4
        guard dataOffset >= 20, bytes.count >= start + dataOffset else { return .failure(.init(.truncated)) }
        var source = source
        var destination = destination
        source.port = bytes.u16(start)
        destination.port = bytes.u16(start + 2)
        let payloadStart = start + dataOffset
        let payloadEnd = max(end, payloadStart)
        let captured = max(0, min(payloadEnd, bytes.count) - payloadStart)
        return .success(
            TCPSegment(
                source: source, destination: destination, sequence: bytes.u32(start + 4),
                acknowledgment: bytes.u32(start + 8), flags: bytes[start + 13], payloadOffset: payloadStart,
                payloadLength: captured, missingLength: payloadEnd - payloadStart - captured))
    }
}

/// A packet the parser passed over, and why.
struct PacketSkipError: Error {
    var reason: PacketSkip
    init(_ reason: PacketSkip) { self.reason = reason }
}

extension UnsafeRawBufferPointer {
    /// The big-endian integers at `offset` (callers check the length first).
    @inline(__always) fileprivate func u16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) fileprivate func u32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) fileprivate func u64(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
