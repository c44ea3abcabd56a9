/// What an import or live capture found: packets, connections, and the calls recovered or not, with why.
public struct CaptureSummary: Sendable, Hashable, CustomStringConvertible {
    /// Packets read.
    public var packets = 0
    /// Packets that were not TCP segments Reprise reads, by reason.
    public var skippedPackets: [String: Int] = [:]
    /// TCP connections seen (each given a connection id).
    public var connections = 0
    /// Segments that repeated bytes already seen (retransmissions, overlaps).
    public var retransmittedSegments = 0
    /// Segments that arrived ahead of a missing one and were held until it came.
    public var reorderedSegments = 0
    /// Calls that ended with trailers or a reset, every byte of them seen.
    public var callsComplete = 0
    /// Calls cut short: a gap in the capture, a connection not readable, or the capture ending first.
    public var callsIncomplete = 0
    /// Calls recorded with a method inferred from their messages (its `:path` was in HPACK state from
    /// before the capture began).
    public var callsInferred = 0
    /// Calls seen but not recorded, by why (they began before the capture; their method could not be
    /// inferred).
    public var callsLost: [String: Int] = [:]
    /// Connections the capture joined after they began (no SYN, no preface).
    public var connectionsJoinedMidway = 0
    /// Connections with nothing naming their server (no SYN, no preface, no `--port`): the ports gave a first
    /// guess, the tap's first request or response header block the answer.
    public var serversGuessed = 0
    /// TLS connections read through their logged keys (`--tls-keylog`).
    public var tlsConnectionsDecrypted = 0
    /// Connections not decoded, each with why (TLS without keys, HTTP/1.1, over the memory limit...).
    public var connectionsNotDecoded: [String] = []
    /// Connections whose decoding stopped early, each with why (a gap, a packet cut short...).
    public var connectionsCut: [String] = []
    /// Packets the kernel dropped during a live capture (nil for a file).
    public var kernelDrops: Int?
    /// Whether the file ended inside a packet, and libpcap's words for it.
    public var truncatedFile: String?

    /// Nothing found yet.
    public init() {}

    /// Calls recovered (whole or in part).
    public var calls: Int { callsComplete + callsIncomplete }

    public var description: String {
        var text =
            "\(calls) call(s) recovered (\(callsComplete) complete, \(callsIncomplete) incomplete) from "
            + "\(connections) connection(s), \(packets) packet(s)"
        var notes: [String] = []
        if connectionsJoinedMidway > 0 {
            notes.append("\(connectionsJoinedMidway) connection(s) joined after they began")
        }
        if serversGuessed > 0 {
            notes.append(
                "\(serversGuessed) connection(s) with no SYN, preface or --port to name their server: it was "
                    + "read from their first request or response headers")
        }
        if callsInferred > 0 { notes.append("\(callsInferred) call(s) with their method inferred from their messages") }
        if !callsLost.isEmpty {
            let lost = callsLost.values.reduce(0, +)
            notes.append(
                "\(lost) call(s) lost: "
                    + callsLost.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                    .map { "\($0.value) \($0.key)" }.joined(separator: "; "))
        }
        if tlsConnectionsDecrypted > 0 { notes.append("\(tlsConnectionsDecrypted) TLS connection(s) decrypted") }
        if !connectionsNotDecoded.isEmpty {
            notes.append(
                "\(connectionsNotDecoded.count) connection(s) not decoded, their calls lost: "
                    + Self.list(connectionsNotDecoded))
        }
        if !connectionsCut.isEmpty {
            notes.append("\(connectionsCut.count) connection(s) cut short: " + Self.list(connectionsCut))
        }
        if retransmittedSegments > 0 { notes.append("\(retransmittedSegments) retransmitted segment(s) ignored") }
        if reorderedSegments > 0 { notes.append("\(reorderedSegments) out-of-order segment(s) put back in order") }
        let skipped = skippedPackets.values.reduce(0, +)
        if skipped > 0 {
            notes.append(
                "\(skipped) packet(s) skipped ("
                    + skippedPackets.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                    + ")")
        }
        if let kernelDrops { notes.append("\(kernelDrops) packet(s) dropped by the kernel") }
        if let truncatedFile { notes.append("the file ends inside a packet: \(truncatedFile)") }
        if !notes.isEmpty { text += "; " + notes.joined(separator: "; ") }
        return text
    }

    private static func list(_ items: [String]) -> String {
        let shown = items.prefix(5).joined(separator: "; ")
        return items.count > 5 ? shown + "; and \(items.count - 5) more" : shown
    }
}

extension CaptureSummary {
    /// Adds what `source` passed over or lost before the importer saw it: packets on interfaces of a link
    /// type Reprise does not read, and (live) the packets the kernel dropped.
    public mutating func add(_ source: PacketSource) {
        for (name, count) in source.packetsOnUnreadableLinks {
            packets += count
            skippedPackets["on an interface of link type \(name)", default: 0] += count
        }
        if let drops = source.drops() { kernelDrops = drops.kernel + drops.interface }
    }
}
