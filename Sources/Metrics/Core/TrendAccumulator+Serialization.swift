import GRPCProtocol
import Histogram

extension TrendAccumulator {
    /// The histogram as compact bytes, base64-encoded: a version byte, the significant digits, the number
    /// of non-empty buckets, then per bucket the delta of its value from the previous bucket's and its
    /// count (LEB128 varints). Decoding rebuilds a histogram equal bucket for bucket.
    public var encodedHistogram: String {
        var bytes: [UInt8] = [1, UInt8(histogram.numberOfSignificantValueDigits.rawValue)]
        var entries: [(UInt64, UInt64)] = []
        for bucket in histogram.recordedValues() { entries.append((bucket.value, bucket.count)) }
        appendVarint(UInt64(entries.count), to: &bytes)
        var previous: UInt64 = 0
        for (value, count) in entries {
            appendVarint(value - previous, to: &bytes)
            appendVarint(count, to: &bytes)
            previous = value
        }
        return Base64.encode(bytes)
    }

    /// Rebuilds a histogram from `encodedHistogram`'s text; `nil` if it is malformed.
    public static func decodeHistogram(_ text: String) -> Histogram<UInt64>? {
        guard let bytes = Base64.decode(text, options: .paddingRequired), bytes.count >= 2, bytes[0] == 1,
            let digits = SignificantDigits(rawValue: Int8(bitPattern: bytes[1]))
        else { return nil }
        var position = 2
        guard let entryCount = readVarint(bytes, &position) else { return nil }
        var entries: [(value: UInt64, count: UInt64)] = []
        var value: UInt64 = 0
        for _ in 0..<entryCount {
            guard let delta = readVarint(bytes, &position), let count = readVarint(bytes, &position) else { return nil }
            let (next, overflow) = value.addingReportingOverflow(delta)
            guard !overflow, next < UInt64.max / 4 else { return nil }
            value = next
            entries.append((value, count))
        }
        guard position == bytes.count else { return nil }
        // Made wide enough for the largest value at once: widening value by value costs far more.
        var histogram = TrendAccumulator.histogram(covering: value, digits: digits)
        for entry in entries { histogram.record(entry.value, count: entry.count) }
        return histogram
    }

    private func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private static func readVarint(_ bytes: [UInt8], _ position: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
