import Foundation

/// Writes pcapng blocks in either byte order, so tests can turn a real capture into the pcapng files
/// other tools write: several interfaces of different link types and timestamp resolutions, simple packet
/// blocks, and blocks a reader must skip.
struct PcapNGWriter {
    let bigEndian: Bool
    private(set) var bytes: [UInt8] = []

    init(bigEndian: Bool) {
        self.bigEndian = bigEndian
        block(type: 0x0A0D_0D0A, body: u32(0x1A2B_3C4D) + u16(1) + u16(0) + u64(UInt64.max))
    }

    /// An interface description; `tsresol` is the `if_tsresol` byte (none: microseconds), `tsoffset`
    /// the `if_tsoffset` seconds.
    mutating func interface(
        linkType: UInt16, snapLength: UInt32 = 262_144, tsresol: UInt8? = nil, tsoffset: Int64? = nil
    ) {
        var options: [UInt8] = []
        if let tsresol { options += u16(9) + u16(1) + [tsresol, 0, 0, 0] }
        if let tsoffset { options += u16(14) + u16(8) + u64(UInt64(bitPattern: tsoffset)) }
        if !options.isEmpty { options += u16(0) + u16(0) }
        block(type: 1, body: u16(linkType) + u16(0) + u32(snapLength) + options)
    }

    /// An enhanced packet block: `timestamp` in the interface's units.
    mutating func packet(interface: UInt32, timestamp: UInt64, data: [UInt8], wireLength: UInt32) {
        block(
            type: 6,
            body: u32(interface) + u32(UInt32(timestamp >> 32)) + u32(UInt32(timestamp & 0xFFFF_FFFF))
                + u32(UInt32(data.count)) + u32(wireLength) + padded(data))
    }

    /// A simple packet block (interface 0, no timestamp).
    mutating func simplePacket(data: [UInt8]) {
        block(type: 3, body: u32(UInt32(data.count)) + padded(data))
    }

    /// Any block: its type, then its body padded to 4 bytes between the two lengths.
    mutating func block(type: UInt32, body: [UInt8]) {
        let body = padded(body)
        let length = UInt32(12 + body.count)
        bytes += u32(type) + u32(length) + body + u32(length)
    }

    /// Adds another writer's blocks (a new section, perhaps in the other byte order).
    mutating func append(_ other: PcapNGWriter) { bytes += other.bytes }

    private func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (4 - data.count % 4) % 4)
    }

    func u16(_ value: UInt16) -> [UInt8] {
        let bytes = [UInt8(value & 0xFF), UInt8(value >> 8)]
        return bigEndian ? bytes.reversed() : bytes
    }

    func u32(_ value: UInt32) -> [UInt8] {
        let bytes = (0..<4).map { UInt8(value >> ($0 * 8) & 0xFF) }
        return bigEndian ? bytes.reversed() : bytes
    }

    func u64(_ value: UInt64) -> [UInt8] {
        let bytes = (0..<8).map { UInt8(value >> ($0 * 8) & 0xFF) }
        return bigEndian ? bytes.reversed() : bytes
    }
}
