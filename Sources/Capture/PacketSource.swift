import CPcap
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Packets from a pcap or pcapng file, or a live interface, read one at a time with nanosecond
/// timestamps and an optional BPF filter. pcap files and live interfaces go through libpcap; pcapng
/// files through ``PcapNGReader`` (libpcap refuses those whose interfaces differ in link type), their
/// filters compiled by libpcap per interface.
///
/// ```swift
/// let source = try PacketSource(file: "traffic.pcapng")
/// try source.setFilter("tcp port 50051")
/// while case .packet(let packet) = source.next() { importer.process(packet) }
/// ```
public final class PacketSource {
    /// What ``next()`` found.
    public enum Read {
        /// A packet, valid until the next read.
        case packet(CapturedPacket)
        /// No packet within the live capture's read timeout.
        case timeout
        /// The file ended.
        case end
        /// The file ends inside a packet, or reading failed: libpcap's words.
        case failed(String)
    }

    private let handle: OpaquePointer?
    private let pcapng: PcapNGReader?
    /// The block read ahead when a pcapng file was opened (its interfaces must be known before a filter).
    private var pending: PcapNGReader.Block?
    /// The file or interface, as given.
    public let name: String
    /// Whether this is a live capture.
    public let isLive: Bool
    private let linkType: LinkType
    /// Milliseconds a live read waits for a packet.
    private var pollTimeout: Int32 = 0
    /// Packets passed over because their interface's link type is not one Reprise reads, by link type.
    public private(set) var packetsOnUnreadableLinks: [String: Int] = [:]

    /// Opens a pcap or pcapng file.
    public init(file path: String) throws(CaptureError) {
        if PcapNGReader.isPcapNG(path) {
            let reader = try PcapNGReader(path: path)
            pcapng = reader
            handle = nil
            name = path
            isLive = false
            // Read up to the first packet, so the interfaces described before it are known.
            var block = reader.readBlock()
            while case .other = block { block = reader.readBlock() }
            if case .failed(let problem) = block {
                throw CaptureError(.open, problem)  // the reader names the file and the byte
            }
            pending = block
            let interfaces = reader.interfaces
            guard interfaces.isEmpty || interfaces.contains(where: { $0.linkType != nil }) else {
                let names = Set(interfaces.map { LinkType.name(of: $0.dlt) }).sorted().joined(separator: ", ")
                throw CaptureError(
                    .linkType,
                    "\(path) has link-layer type(s) \(names); Reprise reads Ethernet, Linux cooked (v1, v2), raw IP "
                        + "and BSD loopback captures")
            }
            linkType = interfaces.first?.linkType ?? .ethernet
            return
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard
            let handle = pcap_open_offline_with_tstamp_precision(
                path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            var problem = Self.text(errorBuffer)
            // A recording given where a capture goes (the two sit side by side): say what it is.
            if problem.contains("unknown file format"), Self.looksLikeRecording(path) {
                problem += " (it is a Reprise recording, not a packet capture: replay or mock it as it is)"
            }
            throw CaptureError(.open, "cannot read the capture \(path): \(problem)")
        }
        self.handle = handle
        self.pcapng = nil
        self.name = path
        self.isLive = false
        do {
            linkType = try Self.linkType(handle, name: path)
        } catch {
            pcap_close(handle)
            throw error
        }
    }

    /// Starts capturing on `interface` (`any` for all): whole packets, delivered at once, `timeout`
    /// milliseconds between checks for a stop.
    ///
    /// Delivering at once gives every packet a kernel ring frame of the snapshot length: a snapshot of the
    /// largest IP packet (65,535 bytes, as loopback and segmentation offload make) and a 64 MiB buffer keep
    /// about a thousand packets waiting, where libpcap's defaults (256 KiB, 2 MiB) keep eight.
    public init(
        interface: String, snapshotLength: Int32 = 65_600, bufferSize: Int32 = 64 * 1024 * 1024, timeout: Int32 = 100
    ) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw CaptureError(.open, "cannot capture on \(interface): \(Self.text(errorBuffer))")
        }
        pcap_set_snaplen(handle, snapshotLength)
        pcap_set_timeout(handle, timeout)
        pcap_set_immediate_mode(handle, 1)
        pcap_set_buffer_size(handle, bufferSize)
        pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(handle)
        if status < 0 {
            let detail = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            switch status {
            case PCAP_ERROR_PERM_DENIED:
                throw CaptureError(.permission, "cannot capture on \(interface): permission denied (\(detail))")
            case PCAP_ERROR_NO_SUCH_DEVICE:
                throw CaptureError(.noSuchInterface, "cannot capture on \(interface): no such interface (\(detail))")
            default:
                throw CaptureError(.open, "cannot capture on \(interface): \(detail)")
            }
        }
        // Non-blocking, with a poll for the wait: libpcap's own read timeout does not wake a read on Linux
        // when no packet comes (TPACKET_V3 waits for a whole block), and a stop must be seen anyway.
        if pcap_setnonblock(handle, 1, &errorBuffer) != 0 || pcap_get_selectable_fd(handle) < 0 {
            pcap_close(handle)
            throw CaptureError(
                .open, "cannot capture on \(interface): no descriptor to wait on (\(Self.text(errorBuffer)))")
        }
        self.pollTimeout = timeout
        self.handle = handle
        self.pcapng = nil
        self.name = interface
        self.isLive = true
        do {
            linkType = try Self.linkType(handle, name: interface)
        } catch {
            pcap_close(handle)
            throw error
        }
    }

    deinit { if let handle { pcap_close(handle) } }

    /// Keeps only packets matching the BPF `expression` (tcpdump's syntax), on Ethernet with or without
    /// VLAN tags (BPF reads a tagged frame's fields only after `vlan`).
    public func setFilter(_ expression: String) throws(CaptureError) {
        guard let handle else {
            try pcapng?.setFilter(expression)
            return
        }
        let expression = BPFFilter.expression(expression, dlt: pcap_datalink(handle))
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(
                .filter, "the filter \"\(expression)\" is not a BPF expression: \(String(cString: pcap_geterr(handle)))"
            )
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw CaptureError(
                .filter,
                "the filter \"\(expression)\" cannot be applied to \(name): \(String(cString: pcap_geterr(handle)))")
        }
    }

    /// The next packet (valid until the next call), a timeout (live), the end, or a failure.
    public func next() -> Read {
        guard let handle else { return nextFromPcapNG() }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch pcap_next_ex(handle, &header, &data) {
        case 1:
            guard let header, let data else { return .timeout }
            let captured = Int(header.pointee.caplen)
            // Files opened and live handles activated with nanosecond precision carry nanoseconds here.
            let time = Int64(header.pointee.ts.tv_sec) * 1_000_000_000 + Int64(header.pointee.ts.tv_usec)
            return .packet(
                CapturedPacket(
                    bytes: UnsafeRawBufferPointer(start: data, count: captured), wireLength: Int(header.pointee.len),
                    time: time, linkType: linkType))
        case 0:
            // Non-blocking and nothing there: wait for the descriptor, up to the timeout.
            var descriptor = pollfd(fd: pcap_get_selectable_fd(handle), events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, pollTimeout)
            return .timeout
        case PCAP_ERROR_BREAK: return .end  // the file ended, or breakLoop()
        default:
            let problem = String(cString: pcap_geterr(handle))
            // Where: libpcap's words say what was short, not where the file stopped.
            guard !isLive, let file = pcap_file(handle) else { return .failed(problem) }
            return .failed("\(problem) (the file stops at byte \(ftell(file)))")
        }
    }

    /// The names of the interfaces libpcap can capture on here (`any` among them on Linux).
    public static func interfaces() -> [String] {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &errorBuffer) == 0 else { return [] }
        defer { pcap_freealldevs(list) }
        var names: [String] = []
        var device = list
        while let current = device {
            names.append(String(cString: current.pointee.name))
            device = current.pointee.next
        }
        return names
    }

    /// Makes a blocked ``next()`` return (from a signal handler or another thread).
    public func breakLoop() { if let handle { pcap_breakloop(handle) } }

    /// Packets the kernel dropped (buffer full) and the interface dropped, for a live capture.
    public func drops() -> (kernel: Int, interface: Int)? {
        guard isLive, let handle else { return nil }
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return (Int(stats.ps_drop), Int(stats.ps_ifdrop))
    }

    private func nextFromPcapNG() -> Read {
        guard let reader = pcapng else { return .end }
        while true {
            let block = pending ?? reader.readBlock()
            pending = nil
            switch block {
            case .other: continue
            case .end: return .end
            case .failed(let problem): return .failed(problem)
            case .packet(let index, let time, let offset, let captured, let wireLength):
                let interface = reader.interfaces[index]
                let bytes = reader.bytes(offset: offset, count: captured)
                if let filter = interface.filter, !filter.matches(bytes, wireLength: wireLength) { continue }
                guard let linkType = interface.linkType else {
                    packetsOnUnreadableLinks[LinkType.name(of: interface.dlt), default: 0] += 1
                    continue
                }
                return .packet(CapturedPacket(bytes: bytes, wireLength: wireLength, time: time, linkType: linkType))
            }
        }
    }

    private static func linkType(_ handle: OpaquePointer, name: String) throws(CaptureError) -> LinkType {
        let dlt = pcap_datalink(handle)
        guard let linkType = LinkType(dlt: dlt) else {
            throw CaptureError(
                .linkType,
                "\(name) has link-layer type \(LinkType.name(of: dlt)); Reprise reads Ethernet, Linux cooked "
                    + "(v1, v2), raw IP and BSD loopback captures")
        }
        return linkType
    }

    /// Whether the file starts as a Reprise recording does (its header line).
    static func looksLikeRecording(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 64)) ?? Data()
        return String(decoding: start, as: UTF8.self).hasPrefix(#"{"type":"header","format":"reprise-recording""#)
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
