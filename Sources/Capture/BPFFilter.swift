import CPcap

/// A BPF program compiled for one link-layer type on a libpcap dead handle, run on packets read by
/// Reprise itself (pcapng files, whose interfaces may each have their own link type).
final class BPFFilter {
    private var program = bpf_program()

    /// Compiles `expression` for packets of `dlt` (libpcap's `DLT_` value); `source` names the file and
    /// interface in errors.
    init(_ expression: String, dlt: Int32, source: String) throws(CaptureError) {
        guard let dead = pcap_open_dead_with_tstamp_precision(dlt, 262_144, UInt32(PCAP_TSTAMP_PRECISION_NANO))
        else {
            throw CaptureError(.filter, "cannot compile the filter for \(source): libpcap refused a handle")
        }
        defer { pcap_close(dead) }
        let full = Self.expression(expression, dlt: dlt)
        guard pcap_compile(dead, &program, full, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(
                .filter,
                "the filter \"\(expression)\" cannot be used on \(source) (link type \(LinkType.name(of: dlt))): "
                    + String(cString: pcap_geterr(dead)))
        }
    }

    deinit { pcap_freecode(&program) }

    /// Whether the packet (`captured` bytes of a packet `wireLength` long) matches.
    @inline(__always) func matches(_ bytes: UnsafeRawBufferPointer, wireLength: Int) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var header = pcap_pkthdr()
        header.caplen = UInt32(bytes.count)
        header.len = UInt32(wireLength)
        return pcap_offline_filter(&program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
    }

    /// The expression as compiled for `dlt`: on Ethernet, also inside VLAN tags (BPF reads a tagged frame's
    /// fields only after `vlan`).
    static func expression(_ expression: String, dlt: Int32) -> String {
        dlt == reprise_dlt_en10mb ? "(\(expression)) or (vlan and (\(expression)))" : expression
    }
}
