/// A cursor over protobuf wire bytes that never reads past its limit: every length is checked against
/// the bytes left before anything is allocated for it.
struct WireReader {
    let base: UnsafePointer<UInt8>
    var position: Int
    var limit: Int

    init(_ buffer: UnsafeRawBufferPointer) {
        if let address = buffer.baseAddress, buffer.count > 0 {
            base = address.assumingMemoryBound(to: UInt8.self)
        } else {
            base = Self.emptyByte
        }
        position = 0
        limit = buffer.count
    }

    nonisolated(unsafe) private static let emptyByte: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    @inline(__always) var isAtEnd: Bool { position >= limit }
    @inline(__always) var remaining: Int { limit - position }

    @inline(__always)
    mutating func readVarint() throws(CodecError) -> UInt64 {
        if position < limit {
            let byte = base[position]
            if byte < 0x80 {
                position += 1
                return UInt64(byte)
            }
            if position + 1 < limit {
                let second = base[position + 1]
                if second < 0x80 {
                    position += 2
                    return UInt64(byte & 0x7F) | UInt64(second) << 7
                }
            }
        }
        return try readVarintSlow()
    }

    /// Up to ten bytes; like upb, the unused high bits of a tenth byte are ignored.
    private mutating func readVarintSlow() throws(CodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < limit else {
                throw CodecError(.truncated, "truncated varint (the input ends inside it)", offset: start)
            }
            let byte = base[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift >= 70 {
                throw CodecError(.malformed, "varint longer than 10 bytes", offset: start)
            }
        }
    }

    /// A field key: returns (field number, wire type), rejecting field number 0 and wire types 6 and 7.
    @inline(__always)
    mutating func readKey() throws(CodecError) -> UInt32 {
        let start = position
        let key = try readVarint()
        guard key <= UInt64(UInt32.max), key >> 3 != 0 else {
            throw CodecError(
                .malformed, key >> 3 == 0 ? "invalid field number 0" : "field number out of range", offset: start)
        }
        guard key & 7 < 6 else {
            throw CodecError(.malformed, "invalid wire type \(key & 7) (field \(key >> 3))", offset: start)
        }
        return UInt32(truncatingIfNeeded: key)
    }

    @inline(__always)
    mutating func readFixed32() throws(CodecError) -> UInt32 {
        guard limit - position >= 4 else {
            throw CodecError(.truncated, "truncated fixed32 value (\(Self.bytes(remaining)) left)", offset: position)
        }
        let value = UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self)
        position += 4
        return UInt32(littleEndian: value)
    }

    @inline(__always)
    mutating func readFixed64() throws(CodecError) -> UInt64 {
        guard limit - position >= 8 else {
            throw CodecError(.truncated, "truncated fixed64 value (\(Self.bytes(remaining)) left)", offset: position)
        }
        let value = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
        position += 8
        return UInt64(littleEndian: value)
    }

    /// A length prefix, checked against the bytes that are left.
    @inline(__always)
    mutating func readLength() throws(CodecError) -> Int {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(limit - position) else {
            throw CodecError(
                .truncated, "length \(length) runs past the end of the input (\(Self.bytes(limit - position)) left)",
                offset: start)
        }
        return Int(length)
    }

    /// "1 byte", "2 bytes".
    static func bytes(_ count: Int) -> String { count == 1 ? "1 byte" : "\(count) bytes" }

    /// The next `count` bytes (already checked by ``readLength()``).
    @inline(__always)
    mutating func take(_ count: Int) -> UnsafeBufferPointer<UInt8> {
        let buffer = UnsafeBufferPointer(start: base + position, count: count)
        position += count
        return buffer
    }

    /// The bytes from `start` to the current position.
    @inline(__always)
    func bytes(from start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: position - start)
    }

    /// Skips the value of a field with this key (groups recursively, up to `depthLeft` levels).
    mutating func skipValue(key: UInt32, depthLeft: Int) throws(CodecError) {
        switch key & 7 {
        case 0: _ = try readVarint()
        case 1: _ = try readFixed64()
        case 2: position += try readLength()
        case 5: _ = try readFixed32()
        case 3:
            guard depthLeft > 0 else {
                throw CodecError(.recursionLimit, "groups nested deeper than the recursion limit", offset: position)
            }
            let number = key >> 3
            while true {
                guard position < limit else {
                    throw CodecError(.truncated, "group \(number) is not closed (no END_GROUP)", offset: position)
                }
                let start = position
                let inner = try readKey()
                if inner & 7 == 4 {
                    guard inner >> 3 == number else {
                        throw CodecError(
                            .endGroupMismatch, "END_GROUP for field \(inner >> 3) inside group \(number)",
                            offset: start)
                    }
                    return
                }
                try skipValue(key: inner, depthLeft: depthLeft - 1)
            }
        default:
            throw CodecError(
                .endGroupMismatch, "END_GROUP for field \(key >> 3) without a START_GROUP", offset: position)
        }
    }
}
