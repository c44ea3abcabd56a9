import CPcap

/// The link-layer header in front of each packet's IP header (libpcap's DLT_ values).
public enum LinkType: Sendable, Hashable, CustomStringConvertible {
    /// Ethernet II, with any number of 802.1Q/802.1ad VLAN tags.
    case ethernet
    /// Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10).
    case linuxCooked
    /// Linux cooked capture v2 (`tcpdump -i any` since libpcap 1.10).
    case linuxCookedV2
    /// Raw IPv4 or IPv6 (the version nibble says which).
    case rawIP
    /// BSD loopback: a 4-byte address family in the capturing host's byte order.
    case bsdLoopback
    /// OpenBSD loopback: a 4-byte address family, big-endian.
    case openBSDLoopback

    /// The link type of libpcap's `DLT_` value, nil for those Reprise does not read.
    public init?(dlt: Int32) {
        switch dlt {
        case reprise_dlt_en10mb: self = .ethernet
        case reprise_dlt_linux_sll: self = .linuxCooked
        case reprise_dlt_linux_sll2: self = .linuxCookedV2
        case reprise_dlt_raw, reprise_dlt_ipv4, reprise_dlt_ipv6, 101: self = .rawIP
        case reprise_dlt_null: self = .bsdLoopback
        case reprise_dlt_loop: self = .openBSDLoopback
        default: return nil
        }
    }

    /// libpcap's name for a `DLT_` value (`EN10MB`, `LINUX_SLL2`), or its number.
    public static func name(of dlt: Int32) -> String {
        if let name = pcap_datalink_val_to_name(dlt) { return String(cString: name) }
        return "\(dlt)"
    }

    public var description: String {
        switch self {
        case .ethernet: "Ethernet"
        case .linuxCooked: "Linux cooked v1"
        case .linuxCookedV2: "Linux cooked v2"
        case .rawIP: "raw IP"
        case .bsdLoopback: "BSD loopback"
        case .openBSDLoopback: "OpenBSD loopback"
        }
    }
}
