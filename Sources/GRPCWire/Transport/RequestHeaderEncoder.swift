import GRPCProtocol
import NIOCore
import NIOHPACK

/// The header fields every call of one method starts with on one connection (`:method` to
/// `grpc-accept-encoding`), built once, and their HPACK block as the connection's encoder last wrote it:
/// while the encoder's table is unchanged, a call copies the block instead of encoding the fields again
/// (about a microsecond of hashing per call with NIOHPACK's encoder, a tenth of a unary call).
final class RequestHeaderTemplate {
    /// The fields, for a pipeline without the client codec (tests that read frames).
    let headers: HPACKHeaders
    /// Name + value + 32 per field (RFC 9113 6.5.2), for the server's SETTINGS_MAX_HEADER_LIST_SIZE.
    let listSize: Int
    /// The block, valid while the encoder's table is at `generation`.
    fileprivate var block: [UInt8] = []
    fileprivate var generation = -1

    init(_ headers: HPACKHeaders) {
        self.headers = headers
        var size = 0
        for (name, value, _) in headers { size += RequestHeaderEncoder.fieldSize(name, value) }
        listSize = size
    }
}

/// HPACK (RFC 7541) for a gRPC client's header blocks.
///
/// The fields of a ``RequestHeaderTemplate`` enter the dynamic table, so from a connection's second call of
/// a method on they are one byte each; the table never evicts for them (a field that no longer fits goes
/// out as a literal), so the table, and with it every template's block, stops changing once each method has
/// been called. Per-call fields (`grpc-encoding`, `grpc-timeout`, text metadata) enter the table too, but
/// only into half of it: a timeout or a token sent with every call is indexed from its second call on,
/// while values that change with every call (request ids, the time left of queued calls) fill that half and
/// go out as literals after, leaving the other half to the methods. Binary and never-indexed metadata stay
/// literals. Literals are not Huffman-coded. The server's SETTINGS_HEADER_TABLE_SIZE below 4096 shrinks the table, signalled
/// at the start of the next block.
struct RequestHeaderEncoder {
    /// The most this encoder keeps (HTTP/2's default SETTINGS_HEADER_TABLE_SIZE).
    static let defaultTableSize = 4096

    /// A field's size in the table and in a header list: name + value + 32 (RFC 7541 4.1, RFC 9113 6.5.2).
    static func fieldSize(_ name: String, _ value: String) -> Int { name.utf8.count + value.utf8.count + 32 }

    private struct Entry {
        let name: String
        let value: String
        let isMetadata: Bool
        var size: Int { RequestHeaderEncoder.fieldSize(name, value) }
    }

    private struct Field: Hashable {
        let name: String
        let value: String
    }

    /// Static table indices by whole field, then by name (the first of each).
    private static let staticFields: [Field: Int] = {
        var fields: [Field: Int] = [:]
        for (index, entry) in HPACKStaticTable.entries.enumerated().dropFirst() {
            let field = Field(name: entry.name, value: entry.value)
            if fields[field] == nil { fields[field] = index }
        }
        return fields
    }()
    private static let staticNames: [String: Int] = {
        var names: [String: Int] = [:]
        for (index, entry) in HPACKStaticTable.entries.enumerated().dropFirst() where names[entry.name] == nil {
            names[entry.name] = index
        }
        return names
    }()

    /// Oldest first: the newest entry has index 62.
    private var entries: [Entry] = []
    /// Bytes of table in use (RFC 7541 sizes: name + value + 32 per entry).
    private(set) var size = 0
    /// The part of `size` taken by per-call fields, at most half of `capacity`.
    private(set) var metadataSize = 0
    private(set) var capacity = Self.defaultTableSize
    /// The smallest capacity since the last block, when it changed: signalled first (RFC 7541 4.2).
    private var smallestSinceBlock: Int?
    /// Changes whenever an index could mean something else: templates encoded before are encoded again.
    private var generation = 0

    /// The server's decoder allows `value` bytes of table (its SETTINGS_HEADER_TABLE_SIZE).
    mutating func setPeerTableSize(_ value: Int) {
        let newCapacity = min(max(value, 0), Self.defaultTableSize)
        guard newCapacity != capacity else { return }
        capacity = newCapacity
        smallestSinceBlock = min(smallestSinceBlock ?? newCapacity, newCapacity)
        var evicted = 0
        while size > capacity, evicted < entries.count {
            size -= entries[evicted].size
            if entries[evicted].isMetadata { metadataSize -= entries[evicted].size }
            evicted += 1
        }
        if evicted > 0 { entries.removeFirst(evicted) }
        generation &+= 1
    }

    /// Appends a request's header block: the template's fields (a copy of their block when the table has
    /// not changed since it was made), then `grpc-encoding`, `grpc-timeout` and the metadata.
    mutating func encode(
        _ template: RequestHeaderTemplate, compression: String?, timeout: String?, metadata: HPACKHeaders?,
        into out: inout ByteBuffer
    ) {
        appendSizeUpdates(into: &out)
        if template.generation == generation {
            out.writeBytes(template.block)
        } else {
            let start = out.writerIndex
            let before = generation
            for (name, value, indexing) in template.headers {
                append(name: name, value: value, indexing: indexing, isMetadata: false, into: &out)
            }
            // A block that added to the table is not the one the next call sends (its fields are indexed by
            // then): only a block made without a change is kept.
            if generation == before {
                // A copy: a slice would share `out`'s storage and make its next write copy all of it.
                template.block = out.getBytes(at: start, length: out.writerIndex - start) ?? []
                template.generation = generation
            }
        }
        if let compression {
            append(name: "grpc-encoding", value: compression, indexing: .indexable, isMetadata: true, into: &out)
        }
        if let timeout {
            append(name: "grpc-timeout", value: timeout, indexing: .indexable, isMetadata: true, into: &out)
        }
        if let metadata {
            for (name, value, indexing) in metadata {
                append(name: name, value: value, indexing: indexing, isMetadata: true, into: &out)
            }
        }
    }

    /// Appends a block of any fields: those NIOHPACK calls indexable enter the table while they fit.
    mutating func encode(_ headers: HPACKHeaders, into out: inout ByteBuffer) {
        appendSizeUpdates(into: &out)
        for (name, value, indexing) in headers {
            append(name: name, value: value, indexing: indexing, isMetadata: false, into: &out)
        }
    }

    private mutating func appendSizeUpdates(into out: inout ByteBuffer) {
        guard let smallest = smallestSinceBlock else { return }
        smallestSinceBlock = nil
        Self.appendInteger(smallest, prefixBits: 5, flags: 0x20, into: &out)
        if capacity != smallest { Self.appendInteger(capacity, prefixBits: 5, flags: 0x20, into: &out) }
    }

    private mutating func append(
        name: String, value: String, indexing: HPACKIndexing, isMetadata: Bool, into out: inout ByteBuffer
    ) {
        if indexing == .indexable,
            let index = (isMetadata ? nil : Self.staticFields[Field(name: name, value: value)])
                ?? dynamicIndex(name: name, value: value)
        {
            Self.appendInteger(index, prefixBits: 7, flags: 0x80, into: &out)
            return
        }
        let entry = Entry(name: name, value: value, isMetadata: isMetadata)
        guard indexing == .indexable, size + entry.size <= capacity,
            !isMetadata || metadataSize + entry.size <= capacity / 2
        else {
            appendLiteral(name: name, value: value, neverIndexed: indexing == .neverIndexed, into: &out)
            return
        }
        let nameIndex = Self.staticNames[name] ?? dynamicIndex(ofName: name) ?? 0
        Self.appendInteger(nameIndex, prefixBits: 6, flags: 0x40, into: &out)
        if nameIndex == 0 { Self.appendString(name, into: &out) }
        Self.appendString(value, into: &out)
        entries.append(entry)
        size += entry.size
        if isMetadata { metadataSize += entry.size }
        generation &+= 1
    }

    private func appendLiteral(name: String, value: String, neverIndexed: Bool, into out: inout ByteBuffer) {
        let nameIndex = Self.staticNames[name] ?? dynamicIndex(ofName: name) ?? 0
        Self.appendInteger(nameIndex, prefixBits: 4, flags: neverIndexed ? 0x10 : 0, into: &out)
        if nameIndex == 0 { Self.appendString(name, into: &out) }
        Self.appendString(value, into: &out)
    }

    private func dynamicIndex(name: String, value: String) -> Int? {
        guard let position = entries.lastIndex(where: { $0.name == name && $0.value == value }) else {
            return nil
        }
        return HPACKStaticTable.firstDynamicIndex + entries.count - 1 - position
    }

    private func dynamicIndex(ofName name: String) -> Int? {
        guard let position = entries.lastIndex(where: { $0.name == name }) else { return nil }
        return HPACKStaticTable.firstDynamicIndex + entries.count - 1 - position
    }

    /// RFC 7541 5.2, without Huffman coding.
    private static func appendString(_ string: String, into out: inout ByteBuffer) {
        appendInteger(string.utf8.count, prefixBits: 7, flags: 0, into: &out)
        out.writeString(string)
    }

    /// RFC 7541 5.1: `value` in a `prefixBits`-bit prefix after `flags`, continued in 7-bit groups.
    static func appendInteger(_ value: Int, prefixBits: Int, flags: UInt8, into out: inout ByteBuffer) {
        let limit = (1 << prefixBits) - 1
        if value < limit {
            out.writeInteger(flags | UInt8(value))
            return
        }
        out.writeInteger(flags | UInt8(limit))
        var rest = value - limit
        while rest >= 128 {
            out.writeInteger(UInt8(rest & 0x7F | 0x80))
            rest >>= 7
        }
        out.writeInteger(UInt8(rest))
    }
}
