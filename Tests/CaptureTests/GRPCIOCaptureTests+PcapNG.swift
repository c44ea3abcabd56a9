import Foundation
import ProtoCodec
import TestSupport
import Testing

/// The suite's capture as pcapng files with several interfaces of different link types, which libpcap
/// refuses to read: Reprise's own pcapng reader must give the same recording as the pcap.
extension GRPCIOCaptureTests {
    enum PcapNGLayout: String, CaseIterable, Sendable {
        /// Written here, little-endian: the client's packets as Ethernet on interface 0 (microseconds,
        /// every third one a simple packet block), the server's as raw IP on interface 1 (nanoseconds), an
        /// interface of a link type Reprise does not read, and blocks a reader must skip.
        case littleEndian = "little-endian"
        /// The same, big-endian.
        case bigEndian = "big-endian"
        /// Wireshark's mergecap joining a pcap of the client's Ethernet frames and one of the server's raw
        /// IP packets.
        case mergecap
    }

    @Test(arguments: PcapNGLayout.allCases)
    func aPcapNGWithInterfacesOfDifferentLinkTypesGivesTheSameRecording(_ layout: PcapNGLayout) async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-pcapng")
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("interfaces-\(layout.rawValue).pcapng").path
        let skipped: Int
        switch layout {
        case .littleEndian, .bigEndian:
            skipped = try Self.writeInterleavedPcapNG(run, to: path, bigEndian: layout == .bigEndian)
        case .mergecap:
            skipped = 0
            try await Self.mergeWithMergecap(run, to: path, scratch: scratch)
        }
        let out = scratch.path("interfaces-\(layout.rawValue).jsonl").path
        let summary = try ImportedRecording.run(
            path, out: out, ["--port", "\(run.serverPort)"] + ImportedRecording.recordSchema)
        #expect(try ImportedRecording.calls(out) == ImportedRecording.calls(run.imported))
        #expect(
            summary.contains("\(Self.scenarios.count) complete, 0 incomplete"), "\(summary) (the pcap: \(run.summary))")
        if skipped > 0 {
            #expect(summary.contains("\(skipped) on an interface of link type IEEE802_11"), "\(summary)")
        }
    }

    @Test func aPcapNGWhoseLastBlockIsCutSaysSoAndKeepsEverythingBefore() async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-pcapng")
        defer { withExtendedLifetime(scratch) {} }
        let whole = scratch.path("whole.pcapng").path
        _ = try Self.writeInterleavedPcapNG(run, to: whole, bigEndian: false)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        bytes.removeLast(10)
        let cut = scratch.path("cut.pcapng").path
        try bytes.write(to: URL(fileURLWithPath: cut))
        let out = scratch.path("cut-pcapng.jsonl").path
        let summary = try ImportedRecording.run(
            cut, out: out, ["--port", "\(run.serverPort)"] + ImportedRecording.recordSchema, status: 66)
        #expect(summary.contains("the file ends inside a packet: truncated dump file"), "\(summary)")
        // The last packet is the connection's closing handshake: every call is whole before it.
        #expect(try ImportedRecording.calls(out) == ImportedRecording.calls(run.imported))
    }

    /// Writes the capture as pcapng (see ``PcapNGLayout/littleEndian``); returns how many packets were put
    /// on the interface of an unreadable link type.
    static func writeInterleavedPcapNG(_ run: Run, to path: String, bigEndian: Bool) throws -> Int {
        let pcap = try PcapFile(path: run.capture)
        let nanosecondFile = PcapFile.u32(pcap.header, 0) == 0xA1B2_3C4D
        var writer = PcapNGWriter(bigEndian: bigEndian)
        writer.block(type: 0x0000_0BAD, body: Array("a custom block to skip".utf8))
        writer.interface(linkType: 1)
        writer.interface(linkType: 101, tsresol: 9)
        writer.interface(linkType: 105)
        var clientPackets = 0
        for (index, record) in pcap.records.enumerated() {
            let nanoseconds =
                UInt64(record.seconds) * 1_000_000_000 + UInt64(record.fraction) * (nanosecondFile ? 1 : 1000)
            let fromServer = EthernetIPv4Segment(record.data)?.sourcePort == run.serverPort
            if fromServer {
                writer.packet(
                    interface: 1, timestamp: nanoseconds, data: Array(record.data.dropFirst(14)),
                    wireLength: record.wireLength - 14)
            } else {
                clientPackets += 1
                if clientPackets % 3 == 0, record.data.count == record.wireLength {
                    writer.simplePacket(data: record.data)
                } else {
                    writer.packet(
                        interface: 0, timestamp: nanoseconds / 1000, data: record.data, wireLength: record.wireLength)
                }
            }
            if index == 3 {
                // Interface statistics and a packet on an interface Reprise does not read, between packets.
                writer.block(type: 5, body: writer.u32(0) + writer.u32(0) + writer.u32(0))
                writer.packet(interface: 2, timestamp: nanoseconds / 1000, data: [1, 2, 3, 4], wireLength: 4)
            }
        }
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
        return 1
    }

    /// Splits the capture by direction into an Ethernet pcap and a raw IP pcap (in `scratch`) and merges them
    /// with mergecap.
    static func mergeWithMergecap(_ run: Run, to path: String, scratch: TemporaryDirectory) async throws {
        let original = try PcapFile(path: run.capture)
        var client = original
        var server = original
        client.records = original.records.filter { EthernetIPv4Segment($0.data)?.sourcePort != run.serverPort }
        server.records = original.records.filter { EthernetIPv4Segment($0.data)?.sourcePort == run.serverPort }
        for index in server.records.indices {
            server.records[index].data = Array(server.records[index].data.dropFirst(14))
            server.records[index].wireLength -= 14
        }
        server.linkType = 101
        let clientPath = scratch.path("client-ethernet.pcap").path
        let serverPath = scratch.path("server-raw.pcap").path
        try client.write(to: clientPath)
        try server.write(to: serverPath)
        try await Subprocess.check(
            [try Repository.systemTool("mergecap"), "-F", "pcapng", "-w", path, clientPath, serverPath],
            timeout: .seconds(60))
    }
}
