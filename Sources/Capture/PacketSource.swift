import CPcap

/// A libpcap handle: a pcap or pcapng file, or a live interface, read one packet at a time with
/// nanosecond timestamps and an optional BPF filter.
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

    private let handle: OpaquePointer
    /// The file or interface, as given.
    public let name: String
    /// Whether this is a live capture.
    public let isLive: Bool
    private let linkType: LinkType

    /// Opens a pcap or pcapng file.
    public init(file path: String) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard
            let handle = pcap_open_offline_with_tstamp_precision(
                path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            throw CaptureError(.open, "cannot read the capture \(path): \(Self.text(errorBuffer))")
        }
        self.handle = handle
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
    public init(interface: String, snapshotLength: Int32 = 262_144, timeout: Int32 = 100) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw CaptureError(.open, "cannot capture on \(interface): \(Self.text(errorBuffer))")
        }
        pcap_set_snaplen(handle, snapshotLength)
        pcap_set_timeout(handle, timeout)
        pcap_set_immediate_mode(handle, 1)
        pcap_set_buffer_size(handle, 32 * 1024 * 1024)
        pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(handle)
        if status < 0 {
            let detail = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            switch status {
            case PCAP_ERROR_PERM_DENIED:
                throw CaptureError(
                    .permission,
                    "cannot capture on \(interface): permission denied (\(detail)); run as root or give the "
                        + "executable the capability: sudo setcap cap_net_raw,cap_net_admin=eip $(which reprise)")
            case PCAP_ERROR_NO_SUCH_DEVICE:
                throw CaptureError(.open, "cannot capture on \(interface): no such interface (\(detail))")
            default:
                throw CaptureError(.open, "cannot capture on \(interface): \(detail)")
            }
        }
        self.handle = handle
        self.name = interface
        self.isLive = true
        do {
            linkType = try Self.linkType(handle, name: interface)
        } catch {
            pcap_close(handle)
            throw error
        }
    }

    deinit { pcap_close(handle) }

    /// Keeps only packets matching the BPF `expression` (tcpdump's syntax), on Ethernet with or without
    /// VLAN tags (BPF reads a tagged frame's fields only after `vlan`).
    public func setFilter(_ expression: String) throws(CaptureError) {
        let expression = linkType == .ethernet ? "(\(expression)) or (vlan and (\(expression)))" : expression
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
        case 0: return .timeout
        case PCAP_ERROR_BREAK: return .end  // the file ended, or breakLoop()
        default: return .failed(String(cString: pcap_geterr(handle)))
        }
    }

    /// Makes a blocked ``next()`` return (from a signal handler or another thread).
    public func breakLoop() { pcap_breakloop(handle) }

    /// Packets the kernel dropped (buffer full) and the interface dropped, for a live capture.
    public func drops() -> (kernel: Int, interface: Int)? {
        guard isLive else { return nil }
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return (Int(stats.ps_drop), Int(stats.ps_ifdrop))
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

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
