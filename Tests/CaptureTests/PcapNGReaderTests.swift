import Capture
import Foundation
import TestSupport
import Testing

/// pcapng files written here block by block, read through ``PacketSource``: timestamps at each
/// resolution, and damaged files refused with where.
struct PcapNGReaderTests {
    /// A raw IPv4 packet's first bytes: enough to tell packets apart.
    static func packet(_ tag: UInt8) -> [UInt8] {
        [0x45, 0, 0, 20, tag, 0, 0, 0, 64, 6, 0, 0] + [UInt8](repeating: 0, count: 8)
    }

    static func write(_ writer: PcapNGWriter, _ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path(name).path
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func read(_ path: String) throws -> [(tag: UInt8, time: Int64, linkType: LinkType)] {
        let source = try PacketSource(file: path)
        var packets: [(UInt8, Int64, LinkType)] = []
        while case .packet(let packet) = source.next() {
            packets.append((packet.bytes[4], packet.time, packet.linkType))
        }
        return packets
    }

    @Test(arguments: [false, true]) func timestampsFollowEachInterfacesResolutionAndOffset(_ bigEndian: Bool) throws {
        let directory = try TemporaryDirectory(prefix: "reprise-pcapng")
        var writer = PcapNGWriter(bigEndian: bigEndian)
        writer.interface(linkType: 101)  // microseconds
        writer.interface(linkType: 101, tsresol: 9)  // nanoseconds
        writer.interface(linkType: 101, tsresol: 0x80 | 20, tsoffset: 100)  // 2^-20 s, 100 s later
        writer.packet(interface: 0, timestamp: 1_700_000_000_123_456, data: Self.packet(1), wireLength: 20)
        writer.packet(interface: 1, timestamp: 1_700_000_000_123_456_789, data: Self.packet(2), wireLength: 20)
        writer.packet(interface: 2, timestamp: (1_700_000_000 << 20) | (1 << 19), data: Self.packet(3), wireLength: 20)
        writer.simplePacket(data: Self.packet(4))
        let packets = try Self.read(try Self.write(writer, "times.pcapng", in: directory))
        #expect(packets.map(\.tag) == [1, 2, 3, 4])
        #expect(
            packets.map(\.time) == [
                1_700_000_000_123_456_000, 1_700_000_000_123_456_789, 1_700_000_100_500_000_000,
                // A simple packet block has no time: the one before's.
                1_700_000_100_500_000_000,
            ])
        #expect(packets.allSatisfy { $0.linkType == .rawIP })
    }

    @Test func aNewSectionStartsItsOwnInterfaces() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-pcapng")
        var first = PcapNGWriter(bigEndian: false)
        first.interface(linkType: 1)
        first.packet(
            interface: 0, timestamp: 0, data: [UInt8](repeating: 0, count: 12) + [0x08, 0] + Self.packet(1),
            wireLength: 34)
        var second = PcapNGWriter(bigEndian: true)
        second.interface(linkType: 101)
        second.packet(interface: 0, timestamp: 0, data: Self.packet(2), wireLength: 20)
        var both = first
        both.append(second)
        let packets = try Self.read(try Self.write(both, "sections.pcapng", in: directory))
        #expect(packets.map(\.linkType) == [.ethernet, .rawIP])
    }

    @Test func aDamagedSectionHeaderIsRefusedWithWhere() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-pcapng")
        let path = directory.path("damaged.pcapng").path
        try Data([0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 1, 2, 3, 4] + [UInt8](repeating: 0, count: 16)).write(
            to: URL(fileURLWithPath: path))
        #expect {
            _ = try PacketSource(file: path)
        } throws: { error in
            "\(error)".contains("\(path) has a section header at byte 0 with no byte-order magic")
        }
    }

    @Test func aPacketOnAnInterfaceNeverDescribedEndsTheReadWithWhere() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-pcapng")
        var writer = PcapNGWriter(bigEndian: false)
        writer.interface(linkType: 101)
        writer.packet(interface: 0, timestamp: 0, data: Self.packet(1), wireLength: 20)
        writer.packet(interface: 3, timestamp: 0, data: Self.packet(2), wireLength: 20)
        let source = try PacketSource(file: try Self.write(writer, "interfaces.pcapng", in: directory))
        guard case .packet = source.next(), case .failed(let problem) = source.next() else {
            Issue.record("the second packet was not refused")
            return
        }
        #expect(problem.contains("on interface 3, but the section describes 1 interface(s)"), "\(problem)")
    }
}
