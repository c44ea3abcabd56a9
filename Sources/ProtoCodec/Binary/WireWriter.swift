/// Writes protobuf wire primitives into a buffer sized beforehand; every write is bounds-checked so a
/// sizing mistake traps instead of corrupting memory.
struct WireWriter {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var position = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? Self.scratch
        capacity = buffer.count
    }

    nonisolated(unsafe) private static let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        precondition(capacity - position >= Self.varintSize(value), "encoder overflow")
        var v = value
        while v >= 0x80 {
            base[position] = UInt8(truncatingIfNeeded: v) | 0x80
            position += 1
            v >>= 7
        }
        base[position] = UInt8(v)
        position += 1
    }

    @inline(__always)
    mutating func writeKey(_ key: UInt32) {
        if key < 0x80, position < capacity {
            base[position] = UInt8(key)
            position += 1
        } else {
            writeVarint(UInt64(key))
        }
    }

    @inline(__always)
    mutating func writeFixed32(_ value: UInt32) {
        precondition(capacity - position >= 4, "encoder overflow")
        UnsafeMutableRawPointer(base + position).storeBytes(of: value.littleEndian, as: UInt32.self)
        position += 4
    }

    @inline(__always)
    mutating func writeFixed64(_ value: UInt64) {
        precondition(capacity - position >= 8, "encoder overflow")
        UnsafeMutableRawPointer(base + position).storeBytes(of: value.littleEndian, as: UInt64.self)
        position += 8
    }

    @inline(__always)
    mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        precondition(capacity - position >= bytes.count, "encoder overflow")
        if let source = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(base + position).copyMemory(from: source, byteCount: bytes.count)
        }
        position += bytes.count
    }

    @inline(__always)
    mutating func writeString(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ writeBytes(UnsafeRawBufferPointer($0)) }) == nil {
            var copy = string
            copy.withUTF8 { writeBytes(UnsafeRawBufferPointer($0)) }
        }
    }

    /// The encoded size of a varint.
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // (bits needed + 6) / 7, with zero taking one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// Appends a varint to a growable array (for the few records built outside a sized buffer).
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
