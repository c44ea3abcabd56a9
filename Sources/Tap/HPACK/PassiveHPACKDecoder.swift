import GRPCProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// HPACK decoding (RFC 7541) for an observer of a connection: one direction's header blocks in, their
/// fields out, with the dynamic table kept as the endpoints keep it.
///
/// Written for the tap rather than taken from NIOHPACK: a field from either table comes out as the
/// ``HeaderField`` the table holds (a retain per string, where NIOHPACK made new strings from its byte ring
/// for every indexed field; its name was classified when the entry was made), integers are read straight
/// from the block's bytes, and the fields go into an array the caller owns. A decoder that starts
/// mid-connection (``init(knowsEarlierEntries:)`` false) decodes what the insertions it saw define
/// (indices count from the newest entry, so those are exact) and counts the fields that name an older
/// entry instead of failing.
struct PassiveHPACKDecoder {
    /// One dynamic table entry; `isKnown` is false for one inserted with a name from before the decoder
    /// started (its `size` is then a lower bound, which evicts late, never early).
    private struct Entry {
        var field: HeaderField
        var size: Int
        var isKnown: Bool
    }

    /// The most the endpoint's SETTINGS_HEADER_TABLE_SIZE lets the encoder's table hold; a size update
    /// above it is an error.
    var maxDynamicTableLength = 4096
    /// The table's size limit now (the encoder's last size update, or the setting).
    private var capacity = 4096
    /// The dynamic table, oldest first from `head`: dynamic index 1 is the last element.
    private var entries: [Entry] = []
    private var head = 0
    private var size = 0
    /// Whether every entry the encoder may refer to was seen being inserted.
    let knowsEarlierEntries: Bool
    /// Huffman output, reused from string to string.
    private var scratch: [UInt8] = []
    /// The last few Huffman-coded literals and their text: encoders send some values as literals every
    /// time (nghttp2 never indexes `:path` or `content-length`), and decoding them again bit by bit, into a
    /// new String, was the decoder's largest cost.
    private var recentLiterals: [(coded: [UInt8], text: String)] = []
    private var nextRecent = 0
    private static let recentCount = 8
    /// The last few blocks that left the dynamic table as it was, and what they decoded to: a client sends
    /// the same block for every call once its fields are indexed (and nghttp2's unindexed `:path` does not
    /// touch the table), and so does a server for its headers and its trailers. Such a block decodes to the
    /// same fields for as long as the table stays the same, so it is one comparison and one shared array,
    /// not a string retained and released per field. Emptied whenever the table changes.
    private var recentBlocks: [RecentBlock] = []
    private var nextRecentBlock = 0
    private static let recentBlockCount = 4
    /// The largest block kept in ``recentBlocks``.
    private static let recentBlockMaximum = 512

    private struct RecentBlock {
        var bytes: [UInt8]
        var fields: [HeaderField]
        var unknown: Int
    }

    /// The most a decoded header list may hold, counted as SETTINGS_MAX_HEADER_LIST_SIZE counts (name +
    /// value + 32 per field). A block is at most 16 MiB, but one byte can name a 4 KiB table entry: without
    /// this bound, a few KiB of indexed fields would decode to gigabytes.
    static let maximumHeaderListSize = 16 * 1024 * 1024

    init(knowsEarlierEntries: Bool = true) {
        self.knowsEarlierEntries = knowsEarlierEntries
        if !knowsEarlierEntries {
            // The SETTINGS and size updates that set the table's size went by before: accept any update,
            // and evict only past 1 MiB (keeping an entry too long is harmless, since the encoder never
            // names one it evicted; evicting one too early would shift every index after it).
            maxDynamicTableLength = Int(UInt32.max)
            capacity = 1 << 20
        }
    }

    /// Blocks held for repeats (see `recentBlocks`).
    var recentBlocksHeld: Int { recentBlocks.count }

    /// Entries in the dynamic table (known or not).
    var dynamicEntries: Int { entries.count - head }

    /// Decodes one whole header block into its fields, and how many fields named a table entry from before
    /// the decoder started (left out of the fields; always 0 when it knows them all). A block that repeats
    /// one of the last few, with the table as it was then, gives the same array again (its storage too,
    /// which the recording session's `HeaderListMemo` recognises to reuse the line it wrote for it).
    mutating func decode(_ block: UnsafeRawBufferPointer) throws(HPACKReadError) -> (
        fields: [HeaderField], unknown: Int
    ) {
        for index in recentBlocks.indices where recentBlocks[index].bytes.count == block.count {
            let same = recentBlocks[index].bytes.withUnsafeBytes {
                memcmp($0.baseAddress!, block.baseAddress!, block.count) == 0
            }
            if same { return (recentBlocks[index].fields, recentBlocks[index].unknown) }
        }
        var fields: [HeaderField] = []
        // Room for a typical block at once (each field takes at least a byte), not four regrowths.
        fields.reserveCapacity(min(block.count, 16))
        let changesBefore = tableChanges
        let unknown = try decode(block, into: &fields)
        if tableChanges == changesBefore, block.count > 0, block.count <= Self.recentBlockMaximum {
            let recent = RecentBlock(bytes: Array(block), fields: fields, unknown: unknown)
            if recentBlocks.count < Self.recentBlockCount {
                recentBlocks.append(recent)
            } else {
                recentBlocks[nextRecentBlock] = recent
                nextRecentBlock = (nextRecentBlock + 1) % Self.recentBlockCount
            }
        }
        return (fields, unknown)
    }

    /// Changes to the dynamic table so far (insertions with their evictions, size updates), so `decode(_:)`
    /// can tell whether a block left the table as it was.
    private var tableChanges = 0

    /// The table changed: the recent blocks, decoded against it as it was, are forgotten.
    private mutating func tableChanged() {
        tableChanges &+= 1
        recentBlocks.removeAll(keepingCapacity: true)
        nextRecentBlock = 0
    }

    /// Decodes one whole header block, appending its fields to `fields`; returns how many fields named a
    /// table entry from before the decoder started (left out of `fields`; always 0 when it knows them all).
    mutating func decode(_ block: UnsafeRawBufferPointer, into fields: inout [HeaderField])
        throws(HPACKReadError) -> Int
    {
        var reader = Reader(bytes: block)
        var unknown = 0
        var fieldsSeen = false
        var listSize = 0
        let fieldsBefore = fields.count
        while !reader.isAtEnd {
            let first = reader.peek()
            if first & 0x80 != 0 {  // indexed field
                let index = try reader.integer(prefix: 7)
                guard index > 0 else { throw HPACKReadError("an indexed field with index 0") }
                if try appendEntry(at: index, to: &fields) {
                    let field = fields.count - 1
                    listSize += fields[field].name.utf8.count + fields[field].value.utf8.count + 32
                } else {
                    unknown += 1
                    listSize += 32
                }
                fieldsSeen = true
            } else if first & 0xC0 == 0x40 {  // literal with incremental indexing
                let index = try reader.integer(prefix: 6)
                let name = index == 0 ? try literalName(&reader) : try fieldName(at: index)
                let value = try string(&reader)
                insert(name: name, value: value)
                if let name { fields.append(HeaderField(name.name, value, known: name.known)) } else { unknown += 1 }
                listSize += (name?.name.utf8.count ?? 0) + value.utf8.count + 32
                fieldsSeen = true
            } else if first & 0xE0 == 0x20 {  // dynamic table size update
                let newCapacity = try reader.integer(prefix: 5)
                guard newCapacity <= maxDynamicTableLength else {
                    throw HPACKReadError(
                        "a table size update to \(newCapacity) bytes, over the \(maxDynamicTableLength) allowed")
                }
                guard !fieldsSeen else { throw HPACKReadError("a table size update after a header field") }
                capacity = newCapacity
                tableChanged()
                evict(toFit: 0)
            } else {  // literal without indexing (0000) or never indexed (0001)
                let index = try reader.integer(prefix: 4)
                let name = index == 0 ? try literalName(&reader) : try fieldName(at: index)
                let value = try string(&reader)
                if let name { fields.append(HeaderField(name.name, value, known: name.known)) } else { unknown += 1 }
                listSize += (name?.name.utf8.count ?? 0) + value.utf8.count + 32
                fieldsSeen = true
            }
            if listSize > Self.maximumHeaderListSize {
                fields.removeSubrange(fieldsBefore...)
                throw HPACKReadError(
                    "the header list decodes to more than \(Self.maximumHeaderListSize) bytes (name + value + 32 "
                        + "per field), past what the tap decodes")
            }
        }
        return unknown
    }

    /// Appends the field at `index` (static, then dynamic) to `fields` straight from its table, one retain
    /// per string (returning it as a tuple first cost a copy and its release per string); false for a dynamic
    /// one from before the decoder started.
    private func appendEntry(
        at index: Int, to fields: inout [HeaderField]
    ) throws(HPACKReadError) -> Bool {
        if index < HPACKTables.staticEntries.count {
            fields.append(HPACKTables.staticEntries[index])
            return true
        }
        let dynamic = try dynamicPosition(of: index)
        guard let dynamic, entries[dynamic].isKnown else { return false }
        fields.append(entries[dynamic].field)
        return true
    }

    /// Where dynamic `index` is in `entries`; nil for one from before the decoder started.
    private func dynamicPosition(of index: Int) throws(HPACKReadError) -> Int? {
        let dynamic = index - HPACKTables.staticEntries.count + 1
        guard dynamic <= dynamicEntries else {
            if knowsEarlierEntries {
                throw HPACKReadError(
                    "index \(index) is past the end of the table (\(dynamicEntries) dynamic entries)")
            }
            return nil
        }
        return entries.count - dynamic
    }

    /// The name of the field at `index` (static, then dynamic) and its kind; nil for a dynamic one from
    /// before the decoder started.
    private func fieldName(at index: Int) throws(HPACKReadError) -> (name: String, known: KnownHeader)? {
        if index < HPACKTables.staticEntries.count {
            return (HPACKTables.staticEntries[index].name, HPACKTables.staticEntries[index].known)
        }
        guard let dynamic = try dynamicPosition(of: index), entries[dynamic].isKnown else { return nil }
        return (entries[dynamic].field.name, entries[dynamic].field.known)
    }

    /// A name sent as a literal, classified (once per literal: encoders mostly index names).
    private mutating func literalName(_ reader: inout Reader) throws(HPACKReadError) -> (
        name: String, known: KnownHeader
    ) {
        let name = try string(&reader)
        return (name, KnownHeader(name))
    }

    private mutating func insert(name: (name: String, known: KnownHeader)?, value: String) {
        let entrySize = (name?.name.utf8.count ?? 0) + value.utf8.count + 32
        tableChanged()
        guard entrySize <= capacity else {
            // RFC 7541 4.4: an entry larger than the table empties it and is not added.
            evict(toFit: capacity + 1)
            return
        }
        evict(toFit: entrySize)
        entries.append(
            Entry(
                field: HeaderField(name?.name ?? "", value, known: name?.known ?? .other), size: entrySize,
                isKnown: name != nil))
        size += entrySize
    }

    /// Evicts the oldest entries until `incoming` more bytes fit under the capacity.
    private mutating func evict(toFit incoming: Int) {
        while size + incoming > capacity, head < entries.count {
            size -= entries[head].size
            head += 1
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    private mutating func string(_ reader: inout Reader) throws(HPACKReadError) -> String {
        let huffman = reader.peek() & 0x80 != 0
        let length = try reader.integer(prefix: 7)
        let bytes = try reader.take(length)
        guard huffman else { return String(decoding: bytes, as: UTF8.self) }
        for recent in recentLiterals where recent.coded.elementsEqual(bytes) { return recent.text }
        scratch.removeAll(keepingCapacity: true)
        try HPACKHuffman.decode(bytes, into: &scratch)
        let text = String(decoding: scratch, as: UTF8.self)
        if bytes.count <= 256 {
            if recentLiterals.count < Self.recentCount {
                recentLiterals.append((Array(bytes), text))
            } else {
                recentLiterals[nextRecent] = (Array(bytes), text)
                nextRecent = (nextRecent + 1) % Self.recentCount
            }
        }
        return text
    }

    /// Reads a block's bytes front to back.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var isAtEnd: Bool { position >= bytes.count }

        func peek() -> UInt8 { bytes[position] }

        /// An integer with an `prefix`-bit prefix (RFC 7541 5.1), at most 2^31 - 1.
        mutating func integer(prefix: Int) throws(HPACKReadError) -> Int {
            guard position < bytes.count else { throw HPACKReadError("the block ends inside an integer") }
            let mask = (1 << prefix) - 1
            var value = Int(bytes[position]) & mask
            position += 1
            guard value == mask else { return value }
            var shift = 0
            while true {
                guard position < bytes.count else { throw HPACKReadError("the block ends inside an integer") }
                let byte = bytes[position]
                position += 1
                value += Int(byte & 0x7F) << shift
                guard value <= Int(Int32.max) else { throw HPACKReadError("an integer over 2^31 - 1") }
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }

        mutating func take(_ count: Int) throws(HPACKReadError) -> UnsafeRawBufferPointer {
            guard count <= bytes.count - position else {
                throw HPACKReadError("a string of \(count) bytes runs past the end of the block")
            }
            defer { position += count }
            return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
        }
    }
}

/// Why a header block could not be decoded.
struct HPACKReadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The HPACK Huffman code (RFC 7541 5.2, Appendix B), decoded a bit at a time through a tree built once.
enum HPACKHuffman {
    /// The code's tree: node `n`'s children are at `2n` (bit 0) and `2n + 1` (bit 1); a child below 0 is the
    /// leaf of symbol `-child - 1`, 0 means no such code.
    private static let tree: [Int16] = {
        var children = [Int16](repeating: 0, count: 2)
        var nodes = 1
        for (symbol, (code, bits)) in HPACKTables.huffmanCodes.enumerated() {
            var node = 0
            for bit in stride(from: bits - 1, through: 0, by: -1) {
                let slot = 2 * node + Int(code >> UInt32(bit) & 1)
                if bit == 0 {
                    children[slot] = Int16(-symbol - 1)
                } else {
                    if children[slot] == 0 {
                        children[slot] = Int16(nodes)
                        nodes += 1
                        children.append(contentsOf: [0, 0])
                    }
                    node = Int(children[slot])
                }
            }
        }
        return children
    }()

    /// Appends the decoding of `bytes` to `out`: the padding must be at most 7 one-bits (a prefix of
    /// end-of-string), and end-of-string itself must not appear.
    static func decode(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(HPACKReadError) {
        try tree.withUnsafeBufferPointer { tree throws(HPACKReadError) in
            var node = 0
            var depth = 0
            var allOnes = true
            for byte in bytes {
                for bit in stride(from: 7, through: 0, by: -1) {
                    let one = byte >> UInt8(bit) & 1
                    let child = tree[2 * node + Int(one)]
                    if child < 0 {
                        let symbol = Int(-child - 1)
                        guard symbol < 256 else { throw HPACKReadError("a Huffman string holds end-of-string") }
                        out.append(UInt8(symbol))
                        node = 0
                        depth = 0
                        allOnes = true
                    } else if child == 0 {
                        throw HPACKReadError("a Huffman string holds a code that is not in the table")
                    } else {
                        node = Int(child)
                        depth += 1
                        allOnes = allOnes && one == 1
                    }
                }
            }
            guard depth <= 7, allOnes else { throw HPACKReadError("a Huffman string's padding is not end-of-string") }
        }
    }
}
