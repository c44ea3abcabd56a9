import GRPCProtocol
import ProtoCodec

/// Bytes of JSON being built by hand for recording lines: keys in a fixed order, strings escaped,
/// integers without going through `String`. Faster than building a `JSONValue` tree per event, and the
/// order of keys is the order of the calls.
///
/// Its own memory, written with `memcpy` after one capacity check per piece: an `[UInt8]` paid a uniqueness
/// check and a generic copy per piece, a tenth of a capture import's CPU. Not copyable, so the memory has
/// one owner and is freed once.
struct LineBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer
    /// Bytes written.
    private(set) var count = 0
    private var capacity: Int
    private let initialCapacity: Int

    init(capacity: Int = 256) {
        initialCapacity = max(capacity, 64)
        self.capacity = initialCapacity
        base = .allocate(byteCount: initialCapacity, alignment: 1)
    }

    deinit { base.deallocate() }

    /// The bytes written, valid until the next mutation.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    var isEmpty: Bool { count == 0 }

    /// A copy of the bytes written from `start` on.
    func copyOfBytes(from start: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: base + start, count: count - start))
    }

    /// Forgets what was written; when it grew past `limit` bytes (one huge message), goes back to its
    /// first size.
    mutating func removeAll(keepingCapacityUpTo limit: Int) {
        count = 0
        if capacity > limit {
            base.deallocate()
            capacity = initialCapacity
            base = .allocate(byteCount: initialCapacity, alignment: 1)
        }
    }

    /// Forgets the first `prefix` bytes (written out already), keeping the rest.
    mutating func removeFirst(_ prefix: Int) {
        precondition(prefix <= count)
        base.copyMemory(from: base + prefix, byteCount: count - prefix)
        count -= prefix
    }

    /// Room for `extra` more bytes; the pointer to where they go.
    @inline(__always)
    private mutating func reserve(_ extra: Int) -> UnsafeMutableRawPointer {
        if count + extra > capacity { grow(to: count + extra) }
        return base + count
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends bytes as they are.
    @inline(__always)
    mutating func append(_ piece: UnsafeRawBufferPointer) {
        guard let source = piece.baseAddress, piece.count > 0 else { return }
        reserve(piece.count).copyMemory(from: source, byteCount: piece.count)
        count += piece.count
    }

    /// Appends bytes as they are.
    mutating func append(_ piece: [UInt8]) {
        piece.withUnsafeBytes { append($0) }
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1).storeBytes(of: byte, as: UInt8.self)
        count += 1
    }

    /// Appends ASCII text as is (keys, punctuation, literals).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a JSON string.
    mutating func string(_ text: String) {
        // Read in place (native and small strings): no copy of the string to make it mutable.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { string(utf8: UnsafeRawBufferPointer($0)) }
        if done == nil {
            var text = text
            text.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
        }
    }

    /// Appends a JSON string from UTF-8 bytes.
    mutating func string(utf8: UnsafeRawBufferPointer) {
        append(UInt8(ascii: "\""))
        var plainStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            // Eight bytes at a time while none of them needs escaping (most strings are all plain).
            if index + 8 <= count {
                if !Self.needsEscaping(utf8.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
            } else if count >= 8,
                !Self.needsEscaping(utf8.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            {
                // The last eight bytes, overlapping ones already read, hold the rest: all plain.
                break
            }
            let byte = utf8[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if index - 1 > plainStart {
                append(UnsafeRawBufferPointer(rebasing: utf8[plainStart..<index - 1]))
            }
            plainStart = index
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                raw("\\u00")
                let hex: StaticString = "0123456789abcdef"
                append(hex.utf8Start[Int(byte >> 4)])
                append(hex.utf8Start[Int(byte & 0xF)])
            }
        }
        if plainStart < utf8.count { append(UnsafeRawBufferPointer(rebasing: utf8[plainStart...])) }
        append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is a control character, `"` or `\\`. Each test is the classic "has a
    /// byte below n" / "has a zero byte" one: exact for whether any byte matches, though a borrow may also
    /// mark bytes after the first match.
    @inline(__always)
    private static func needsEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let below20 = (word &- ones &* 0x20) & ~word
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        return (below20 | isQuote | isBackslash) & highs != 0
    }

    /// Appends a decimal integer.
    mutating func int(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Digits from the bit length (1233/4096 is just above log10 2): the estimate is the count or one
        // less, and one comparison with a power of ten settles it. `| 1` makes 0 one digit and changes no
        // other count (it only makes an even number odd, and no power of ten above 1 is odd).
        let odd = magnitude | 1
        let estimate = ((64 - odd.leadingZeroBitCount) &* 1233) >> 12
        let digits = estimate + (odd >= Self.powerOfTen(estimate) ? 1 : 0)
        // Written from the last digits back, two at a time (one 16-bit load and store each), straight into
        // place; the index stays within `digits`, so its arithmetic need not trap.
        let out = reserve(digits)
        let pairs = UnsafeRawPointer(Self.digitPairs.utf8Start)
        var index = digits
        while magnitude >= 100 {
            let pair = Int(truncatingIfNeeded: magnitude % 100) &* 2
            magnitude /= 100
            index &-= 2
            out.storeBytes(
                of: pairs.loadUnaligned(fromByteOffset: pair, as: UInt16.self), toByteOffset: index, as: UInt16.self)
        }
        if magnitude >= 10 {
            let pair = Int(truncatingIfNeeded: magnitude) &* 2
            out.storeBytes(
                of: pairs.loadUnaligned(fromByteOffset: pair, as: UInt16.self), toByteOffset: 0, as: UInt16.self)
        } else {
            out.storeBytes(of: UInt8(48 + magnitude), toByteOffset: 0, as: UInt8.self)
        }
        count += digits
    }

    /// 10^exponent for an exponent of 0 to 19 (10^19 fits a UInt64): a switch the compiler makes a table
    /// of, where a static array would be retained and released for every integer.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        case 12: 1_000_000_000_000
        case 13: 10_000_000_000_000
        case 14: 100_000_000_000_000
        case 15: 1_000_000_000_000_000
        case 16: 10_000_000_000_000_000
        case 17: 100_000_000_000_000_000
        case 18: 1_000_000_000_000_000_000
        default: 10_000_000_000_000_000_000
        }
    }

    /// "00" to "99": the two digits of every number below 100, for writing integers a pair at a time. A
    /// literal, not an array: read through its pointer, with no reference to count per integer written.
    private static let digitPairs: StaticString = """
        0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
        5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
        """

    /// Appends a decimal integer.
    mutating func int(_ value: Int) { int(Int64(value)) }

    /// Appends `true` or `false`.
    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// Appends base64 of `data` as a JSON string.
    mutating func base64(_ data: UnsafeRawBufferPointer) {
        append(UInt8(ascii: "\""))
        let length = Base64.encodedCount(data.count)
        Base64.encode(data, into: UnsafeMutableRawBufferPointer(start: reserve(length), count: length))
        count += length
        append(UInt8(ascii: "\""))
    }

    /// Appends base64 of `data` as a JSON string.
    mutating func base64(_ data: [UInt8]) {
        data.withUnsafeBytes { base64($0) }
    }

    /// Appends a JSON value, compact.
    mutating func json(_ value: JSONValue) {
        append(value.jsonUTF8())
    }

    /// Appends `[["key","value"],...]`.
    mutating func metadata(_ entries: [MetadataEntry]) {
        append(UInt8(ascii: "["))
        for (index, entry) in entries.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            append(UInt8(ascii: "["))
            string(entry.key)
            append(UInt8(ascii: ","))
            string(entry.value)
            append(UInt8(ascii: "]"))
        }
        append(UInt8(ascii: "]"))
    }

    /// Appends a JSON array of strings.
    mutating func strings(_ values: [String]) {
        append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            string(value)
        }
        append(UInt8(ascii: "]"))
    }
}
