import GRPCProtocol

/// What the session made of a header list, kept for the few lists seen last and found again by the list's
/// identity (its storage), not by comparing fields. The tap's HPACK decoder hands back the very same array
/// for a header block it decoded before while the table is unchanged: a client's request headers once
/// its fields are indexed, a server's response headers and trailers. A hit then costs a pointer
/// comparison or two instead of reading the list and writing its part of the line again.
///
/// Sound because an entry keeps its array: storage that a kept array shares is never changed in place
/// (copy on write) nor freed and reused for another list while the entry holds it, so the same storage
/// means the same fields. Lists that are never seen again cost a slot each until pushed out.
struct HeaderListMemo<Value> {
    private struct Entry {
        /// Kept only so its storage, the key, stays this list's.
        let headers: [HeaderField]
        let storage: UnsafeRawPointer
        let variant: Bool
        /// Nil until the list is seen a second time: a list seen once is not worth a copy of its line.
        var value: Value?
    }

    /// What ``sighting(of:storage:variant:)`` found.
    enum Sighting {
        /// The list was seen before and its value kept.
        case known(Value)
        /// The list was seen once before: worth keeping a value for (``remember(_:storage:variant:)``).
        case repeated
        /// Not seen lately (it is now noted).
        case new
    }

    /// Lists kept: a client's request headers for a few methods, or a server's few kinds of answer.
    static var capacity: Int { 4 }

    private var entries: [Entry] = []
    private var next = 0

    /// Whether the list `headers`, whose storage is `storage`, read with `variant` (a second input the value
    /// depends on), was seen lately; a new one is noted, pushing out the oldest entry when full.
    @inline(__always)
    mutating func sighting(of headers: [HeaderField], storage: UnsafeRawPointer, variant: Bool = false) -> Sighting {
        for index in entries.indices where entries[index].storage == storage && entries[index].variant == variant {
            if let value = entries[index].value { return .known(value) }
            return .repeated
        }
        let entry = Entry(headers: headers, storage: storage, variant: variant)
        if entries.count < Self.capacity {
            entries.append(entry)
        } else {
            entries[next] = entry
            next = (next + 1) % Self.capacity
        }
        return .new
    }

    /// Keeps `value` for the list noted with `storage` and `variant` (nothing if it was pushed out since).
    mutating func remember(_ value: Value, storage: UnsafeRawPointer, variant: Bool = false) {
        for index in entries.indices where entries[index].storage == storage && entries[index].variant == variant {
            entries[index].value = value
        }
    }

    /// Lists noted (for tests).
    var count: Int { entries.count }
}

extension [HeaderField] {
    /// The key of a header list in a ``HeaderListMemo``: the address of its elements.
    @inline(__always)
    var storageIdentity: UnsafeRawPointer? {
        withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
    }
}
