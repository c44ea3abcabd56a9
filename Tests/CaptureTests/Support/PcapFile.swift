import Foundation

/// A classic pcap file in memory (as tcpdump writes it, host byte order), so tests can rewrite real
/// captures: reorder, repeat, split, drop or cut packets, and change the link-layer header.
struct PcapFile {
    struct Record {
        var seconds: UInt32
        var fraction: UInt32
        var wireLength: UInt32
        var data: [UInt8]
    }

    var header: [UInt8]
    var records: [Record]

    init(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 24, Self.u32(bytes, 0) == 0xA1B2_C3D4 || Self.u32(bytes, 0) == 0xA1B2_3C4D else {
            throw PcapProblem(description: "\(path) is not a little-endian classic pcap file")
        }
        header = Array(bytes[0..<24])
        records = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let captured = Int(Self.u32(bytes, offset + 8))
            guard offset + 16 + captured <= bytes.count else { break }
            records.append(
                Record(
                    seconds: Self.u32(bytes, offset), fraction: Self.u32(bytes, offset + 4),
                    wireLength: Self.u32(bytes, offset + 12),
                    data: Array(bytes[(offset + 16)..<(offset + 16 + captured)])))
            offset += 16 + captured
        }
    }

    /// The link-layer type (LINKTYPE_ value).
    var linkType: UInt32 {
        get { Self.u32(header, 20) }
        set { header.replaceSubrange(20..<24, with: Self.bytes(newValue)) }
    }

    /// The file's bytes; `cutLastRecordAt` keeps only that many bytes of the last record's data.
    func bytes(cutLastRecordAt cut: Int? = nil) -> [UInt8] {
        var out = header
        for (index, record) in records.enumerated() {
            out +=
                Self.bytes(record.seconds) + Self.bytes(record.fraction) + Self.bytes(UInt32(record.data.count))
                + Self.bytes(record.wireLength)
            if index == records.count - 1, let cut { out += record.data.prefix(cut) } else { out += record.data }
        }
        return out
    }

    func write(to path: String, cutLastRecordAt cut: Int? = nil) throws {
        try Data(bytes(cutLastRecordAt: cut)).write(to: URL(fileURLWithPath: path))
    }

    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    static func bytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}

/// Where the TCP segment of an Ethernet + IPv4 record lies (the captures the tests make on `lo`).
struct EthernetIPv4Segment {
    var ipStart = 14
    var ipHeaderLength: Int
    var payloadStart: Int
    var payloadLength: Int
    var sourcePort: Int

    init?(_ data: [UInt8]) {
        guard data.count >= 54, data[12] == 0x08, data[13] == 0x00, data[23] == 6 else { return nil }
        ipHeaderLength = Int(data[14] & 0x0F) * 4
        let tcpStart = 14 + ipHeaderLength
        let totalLength = Int(data[16]) << 8 | Int(data[17])
        payloadStart = tcpStart + Int(data[tcpStart + 12] >> 4) * 4
        payloadLength = 14 + totalLength - payloadStart
        sourcePort = Int(data[tcpStart]) << 8 | Int(data[tcpStart + 1])
    }

    /// The record with only the first `count` bytes of its payload (IP length fixed, checksums left).
    func truncated(_ record: PcapFile.Record, to count: Int) -> PcapFile.Record {
        var record = record
        record.data = Array(record.data[0..<(payloadStart + count)])
        let total = record.data.count - 14
        record.data[16] = UInt8(total >> 8)
        record.data[17] = UInt8(total & 0xFF)
        record.wireLength = UInt32(record.data.count)
        return record
    }
}

struct PcapProblem: Error, CustomStringConvertible {
    var description: String
}
