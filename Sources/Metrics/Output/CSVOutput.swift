import GRPCProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--out csv=FILE`: every sample as a row of k6's CSV output, so spreadsheets and scripts written for
/// `k6 run --out csv` read ours. The header names k6's indexed system tags as columns; other tags go to
/// `extra_tags` as `key=value&key=value`:
///
///     metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,...
///     grpc_req_duration,1787306400,12.500000,,,,,,SayHello,,,default,,0,,,,,
///
/// Values are written as Go's `%f` (six decimals), times as Unix seconds unless `timeFormat` says
/// otherwise, fields quoted as Go's `encoding/csv` quotes them; a `.gz` path is gzipped.
public final class CSVOutput: MetricsOutput {
    /// How the `timestamp` column is written (k6's `timeFormat`).
    public enum TimeFormat: String, Sendable, CaseIterable {
        /// Whole seconds since the Unix epoch (k6's default).
        case unix
        /// Nanoseconds since the Unix epoch.
        case unixNano = "unix_nano"
        /// RFC 3339 in UTC, whole seconds (`2026-08-21T10:00:00Z`).
        case rfc3339
    }

    /// k6's indexed system tags, each a column, in k6's (sorted) order.
    static let tagColumns = [
        "check", "error", "error_code", "expected_response", "group", "method", "name", "proto", "scenario",
        "service", "status", "subproto", "tls_version", "url",
    ]

    /// The header row.
    static let header =
        (["metric_name", "timestamp", "metric_value"] + tagColumns + ["extra_tags", "metadata"])
        .joined(separator: ",") + "\n"

    private let file: SampleFile<Void>
    private let timeFormat: TimeFormat
    /// The file being written.
    public var path: String { file.path }

    /// Creates (truncates) `path` and writes the header row.
    public init(path: String, timeFormat: TimeFormat = .unix) throws {
        self.timeFormat = timeFormat
        file = try SampleFile(path: path, context: (), header: Array(Self.header.utf8))
    }

    /// Writes a batch; errors are kept and reported by `close()` so the hot path never throws.
    public func write(_ samples: [RecordedSample], directory: SeriesDirectory) {
        file.append(capacity: samples.count * 96) { _, bytes in
            for sample in samples { row(sample, directory.info(for: sample), into: &bytes) }
        }
    }

    /// Flushes and closes the file; throws the first write error, if any.
    public func close() throws { try file.close() }

    private func row(_ sample: RecordedSample, _ info: SeriesInfo, into bytes: inout [UInt8]) {
        Self.field(info.metric.name.utf8, into: &bytes)
        bytes.append(UInt8(ascii: ","))
        switch timeFormat {
        case .unix:  // sample times are after 1970: division rounds down
            bytes += String(sample.time / 1_000_000_000).utf8
        case .unixNano:
            bytes += String(sample.time).utf8
        case .rfc3339:
            bytes += RFC3339.string(seconds: sample.time / 1_000_000_000, nanoseconds: 0, fraction: .trimmed).utf8
        }
        bytes.append(UInt8(ascii: ","))
        Self.fixedSix(sample.value, into: &bytes)
        // Both lists are sorted: one merge puts each tag in its column or among the extra ones.
        let tags = info.tags.tags
        var next = 0
        var extra: [UInt8] = []
        for column in Self.tagColumns {
            while next < tags.count, tags[next].key < column {
                Self.extraTag(tags[next], into: &extra)
                next += 1
            }
            bytes.append(UInt8(ascii: ","))
            if next < tags.count, tags[next].key == column {
                Self.field(tags[next].value.utf8, into: &bytes)
                next += 1
            }
        }
        while next < tags.count {
            Self.extraTag(tags[next], into: &extra)
            next += 1
        }
        bytes.append(UInt8(ascii: ","))
        Self.field(extra, into: &bytes)
        bytes.append(UInt8(ascii: ","))  // metadata: Reprise's samples carry none
        bytes.append(UInt8(ascii: "\n"))
    }

    private static func extraTag(_ tag: TagSet.Tag, into extra: inout [UInt8]) {
        if !extra.isEmpty { extra.append(UInt8(ascii: "&")) }
        extra += tag.key.utf8
        extra.append(UInt8(ascii: "="))
        extra += tag.value.utf8
    }

    /// A field as Go's `encoding/csv` writes it: quoted (quotes doubled) when it holds a comma, a quote, a
    /// line break, starts with a space, or is `\.`.
    static func field(_ text: some Collection<UInt8>, into bytes: inout [UInt8]) {
        let startsWithSpace: Bool
        switch text.first {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: startsWithSpace = true
        default: startsWithSpace = false
        }
        let quoted =
            startsWithSpace || text.elementsEqual("\\.".utf8)
            || text.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard quoted else {
            bytes += text
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in text {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `value` as Go's `%f` (and C's): six decimals, correctly rounded.
    static func fixedSix(_ value: Double, into bytes: inout [UInt8]) {
        if value.isNaN {
            bytes += "NaN".utf8
            return
        }
        if value.isInfinite {
            bytes += (value < 0 ? "-Inf" : "+Inf").utf8
            return
        }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let count = withVaList([value]) { vsnprintf(buffer.baseAddress, buffer.count, "%f", $0) }
            guard count > 0 else { return }
            buffer.withMemoryRebound(to: UInt8.self) { bytes += $0.prefix(min(Int(count), buffer.count - 1)) }
        }
    }
}
