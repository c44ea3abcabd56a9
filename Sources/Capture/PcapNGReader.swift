import CPcap

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a pcapng file block by block. libpcap refuses a pcapng file whose interfaces have different
/// link-layer types (`tcpdump -i any` next to `-i lo`, `mergecap` of two captures); this reader gives each
/// interface its own link type, timestamp resolution and compiled filter.
///
/// Sections in either byte order, interface descriptions (`if_tsresol`, `if_tsoffset`), enhanced, simple
/// and obsolete packet blocks; every other block is skipped. One block is in memory at a time, in a buffer
/// reused from block to block.
final class PcapNGReader {
    /// What one block was.
    enum Block {
        /// A block that carries no packet (section header, interface description, statistics, unknown).
        case other
        /// A packet: its captured bytes are `storage[offset..<offset+captured]` until the next block is read.
        case packet(interface: Int, time: Int64, offset: Int, captured: Int, wireLength: Int)
        case end
        case failed(String)
    }

    struct Interface {
        var dlt: Int32
        var linkType: LinkType?
        var snapLength: Int
        /// Timestamp units per second (`if_tsresol`; microseconds by default).
        var unitsPerSecond: UInt64 = 1_000_000
        /// Seconds added to every timestamp (`if_tsoffset`).
        var offsetSeconds: Int64 = 0
        var filter: BPFFilter?
    }

    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    /// Blocks larger than this are taken for a damaged file rather than read into memory.
    static let maximumBlockLength = 64 * 1024 * 1024

    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var storage: UnsafeMutableRawBufferPointer
    /// Whether the current section's byte order is the other one from this machine's.
    private var swapped = false
    private(set) var interfaces: [Interface] = []
    /// Where the next block starts in the file.
    private var offset: Int64 = 0
    /// The last packet's time, given to simple packet blocks (they carry none).
    private var lastTime: Int64 = 0
    /// The filter every interface's packets must match, once set.
    private var filterExpression: String?

    /// Opens `path`, which starts with a section header block.
    init(path: String) throws(CaptureError) {
        guard let file = fopen(path, "rb") else {
            throw CaptureError(.open, "cannot read the capture \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.file = file
        setvbuf(file, nil, _IOFBF, 256 * 1024)
        storage = .allocate(byteCount: 64 * 1024, alignment: 8)
    }

    deinit {
        fclose(file)
        storage.deallocate()
    }

    /// Whether the file at `path` starts like a pcapng file (a section header block).
    static func isPcapNG(_ path: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        var magic: UInt32 = 0
        guard fread(&magic, 4, 1, file) == 1 else { return false }
        return magic == sectionHeader
    }

    /// Keeps only packets matching `expression`, compiled per interface link type (those already described
    /// now, later ones as they come).
    func setFilter(_ expression: String) throws(CaptureError) {
        // With no interface described yet, checked on Ethernet, so a mistyped expression still fails here
        // (not on Ethernet otherwise: `inbound` compiles only for some link types, Linux cooked among them).
        if interfaces.isEmpty { _ = try BPFFilter(expression, dlt: reprise_dlt_en10mb, source: path) }
        filterExpression = expression
        for index in interfaces.indices where interfaces[index].linkType != nil {
            interfaces[index].filter = try BPFFilter(expression, dlt: interfaces[index].dlt, source: name(index))
        }
    }

    /// The packet's bytes after ``readBlock()`` returned `.packet`.
    @inline(__always) func bytes(offset: Int, count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[offset..<(offset + count)])
    }

    func name(_ interface: Int) -> String { "interface \(interface) of \(path)" }

    /// Reads the next block.
    func readBlock() -> Block {
        let start = offset
        let got = fread(storage.baseAddress, 1, 8, file)
        if got == 0 { return ferror(file) != 0 ? .failed(readError()) : .end }
        guard got == 8 else { return truncated(start, wanted: 8, got: got) }
        var type = u32(0)
        var headerLength = 8
        if type == Self.sectionHeader {
            // The section's byte order comes from the magic after the length.
            let more = fread(storage.baseAddress! + 8, 1, 4, file)
            guard more == 4 else { return truncated(start, wanted: 12, got: 8 + more) }
            let magic = storage.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            if magic == Self.byteOrderMagic {
                swapped = false
            } else if magic == Self.byteOrderMagic.byteSwapped {
                swapped = true
            } else {
                return .failed("\(path) has a section header at byte \(start) with no byte-order magic: not pcapng")
            }
            headerLength = 12
            type = Self.sectionHeader
        }
        let length = Int(u32(4))
        guard length >= 12, length % 4 == 0, length <= Self.maximumBlockLength else {
            return .failed("\(path) has a block at byte \(start) that says it is \(length) bytes long: not pcapng")
        }
        if length > storage.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 8)
            bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<headerLength]))
            storage.deallocate()
            storage = bigger
        }
        let rest = fread(storage.baseAddress! + headerLength, 1, length - headerLength, file)
        guard rest == length - headerLength else {
            if ferror(file) != 0 { return .failed(readError()) }
            return truncated(start, wanted: length, got: headerLength + rest)
        }
        offset += Int64(length)
        // The body ends before the repeated length.
        let end = length - 4
        switch type {
        case Self.sectionHeader:
            guard u16(12) == 1 else {
                return .failed("\(path) has a pcapng section of version \(u16(12)).\(u16(14)) at byte \(start)")
            }
            interfaces = []
            return .other
        case 1:
            guard end >= 16 else { return malformed("interface description", start) }
            return describeInterface(end: end)
        case 6:
            guard end >= 28 else { return malformed("packet", start) }
            return packet(
                interface: Int(u32(8)), high: u32(12), low: u32(16), captured: Int(u32(20)), wireLength: Int(u32(24)),
                dataOffset: 28, end: end, start: start)
        case 2:
            guard end >= 28 else { return malformed("packet", start) }
            return packet(
                interface: Int(u16(8)), high: u32(12), low: u32(16), captured: Int(u32(20)), wireLength: Int(u32(24)),
                dataOffset: 28, end: end, start: start)
        case 3:
            guard end >= 12, let first = interfaces.first else { return malformed("simple packet", start) }
            let wireLength = Int(u32(8))
            var captured = min(wireLength, end - 12)
            if first.snapLength > 0 { captured = min(captured, first.snapLength) }
            return .packet(interface: 0, time: lastTime, offset: 12, captured: captured, wireLength: wireLength)
        default:
            return .other
        }
    }

    private func describeInterface(end: Int) -> Block {
        // pcapng names LINKTYPE_ values, which are the DLT_ values but for raw IP.
        let linkType = u16(8)
        let dlt = linkType == 101 ? reprise_dlt_raw : Int32(linkType)
        var interface = Interface(dlt: dlt, linkType: LinkType(dlt: dlt), snapLength: Int(u32(12)))
        var option = 16
        while option + 4 <= end {
            let code = u16(option)
            let length = Int(u16(option + 2))
            let value = option + 4
            guard code != 0, value + length <= end else { break }
            if code == 9, length == 1 {
                // if_tsresol: the high bit says a power of two, otherwise a power of ten.
                let resolution = storage[value]
                let exponent = UInt64(resolution & 0x7F)
                if resolution & 0x80 != 0 {
                    if exponent < 64 { interface.unitsPerSecond = 1 << exponent }
                } else if exponent < 20 {
                    interface.unitsPerSecond = (0..<exponent).reduce(1) { value, _ in value * 10 }
                }
            } else if code == 14, length == 8 {
                interface.offsetSeconds = Int64(bitPattern: u64(value))
            }
            option = value + (length + 3) & ~3
        }
        let index = interfaces.count
        if let filterExpression, interface.linkType != nil {
            do {
                interface.filter = try BPFFilter(filterExpression, dlt: dlt, source: name(index))
            } catch {
                return .failed(error.message)
            }
        }
        interfaces.append(interface)
        return .other
    }

    private func packet(
        interface: Int, high: UInt32, low: UInt32, captured: Int, wireLength: Int, dataOffset: Int, end: Int,
        start: Int64
    ) -> Block {
        guard interface < interfaces.count else {
            return .failed(
                "\(path) has a packet at byte \(start) on interface \(interface), but the section describes "
                    + "\(interfaces.count) interface(s)")
        }
        guard dataOffset + captured <= end else { return malformed("packet", start) }
        let described = interfaces[interface]
        let units = UInt64(high) << 32 | UInt64(low)
        let ticks = described.unitsPerSecond
        // Seconds, then the fraction scaled to nanoseconds without overflowing (any resolution up to 2^-63).
        let fraction = ticks.dividingFullWidth((units % ticks).multipliedFullWidth(by: 1_000_000_000)).quotient
        let seconds = Int64(truncatingIfNeeded: units / ticks) &+ described.offsetSeconds
        lastTime = seconds &* 1_000_000_000 &+ Int64(fraction)
        return .packet(
            interface: interface, time: lastTime, offset: dataOffset, captured: captured, wireLength: wireLength)
    }

    private func truncated(_ start: Int64, wanted: Int, got: Int) -> Block {
        .failed(
            "truncated dump file; the block at byte \(start) of \(path) says \(wanted) byte(s), the file has only "
                + "\(got) more")
    }

    private func malformed(_ what: String, _ start: Int64) -> Block {
        .failed("\(path) has a damaged \(what) block at byte \(start)")
    }

    private func readError() -> String {
        "cannot read \(path) at byte \(offset): \(String(cString: strerror(errno)))"
    }

    @inline(__always) private func u16(_ at: Int) -> UInt16 {
        let value = storage.loadUnaligned(fromByteOffset: at, as: UInt16.self)
        return swapped ? value.byteSwapped : value
    }

    @inline(__always) private func u32(_ at: Int) -> UInt32 {
        let value = storage.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return swapped ? value.byteSwapped : value
    }

    @inline(__always) private func u64(_ at: Int) -> UInt64 {
        let value = storage.loadUnaligned(fromByteOffset: at, as: UInt64.self)
        return swapped ? value.byteSwapped : value
    }
}
