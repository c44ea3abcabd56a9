#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a recording one event at a time, checking each line as ``Recording/load(path:)`` does, without
/// holding the file in memory: for recordings too large to load, or to follow one as it grows.
///
/// ```swift
/// var reader = try RecordingReader(path: "big.jsonl")
/// while let event = try reader.next() { ... }
/// ```
public struct RecordingReader: ~Copyable {
    /// The header line.
    public let header: RecordingHeader
    /// Problems that did not stop the reading (an incomplete last line).
    public private(set) var warnings: [RecordingIssue] = []
    private var parser: RecordingParser
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var lineNumber = 0

    /// Opens `path` and reads its header. A line over `maximumLineLength` bytes is an error, read no
    /// further than that: the memory a file that is not a recording can take is bounded.
    public init(path: String, maximumLineLength: Int = 256 << 20) throws(RecordingError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RecordingError(file: path, line: 0, "cannot open the recording: \(String(cString: strerror(errno)))")
        }
        var parser = RecordingParser(file: path, maximumLineLength: maximumLineLength)
        var buffer: [UInt8] = []
        var start = 0
        var atEnd = false
        var lineNumber = 0
        var found: RecordingHeader?
        while found == nil {
            guard let (line, incomplete) = Self.nextLine(fd, &buffer, &start, &atEnd, limit: maximumLineLength) else {
                close(fd)
                throw RecordingError(issues: [parser.finish(lines: lineNumber)!])
            }
            lineNumber += 1
            let number = lineNumber
            let outcome = line.withUnsafeBytes { parser.parse($0, number: number, incomplete: incomplete) }
            switch outcome {
            case .header(let parsed): found = parsed
            case .blank: continue
            case .issue(let issue):
                close(fd)
                throw RecordingError(issues: [issue])
            case .event: break
            }
        }
        header = found!
        descriptor = fd
        self.parser = parser
        self.buffer = buffer
        self.start = start
        self.atEnd = atEnd
        self.lineNumber = lineNumber
    }

    deinit { close(descriptor) }

    /// The next event, nil at the end of the file; throws at the first broken line.
    public mutating func next() throws(RecordingError) -> RecordingEvent? {
        while let (line, incomplete) = Self.nextLine(
            descriptor, &buffer, &start, &atEnd, limit: parser.maximumLineLength)
        {
            lineNumber += 1
            let outcome = line.withUnsafeBytes { parser.parse($0, number: lineNumber, incomplete: incomplete) }
            switch outcome {
            case .event(let event): return event
            case .blank, .header: continue
            case .issue(let issue):
                if issue.severity == .warning {
                    warnings.append(issue)
                    continue
                }
                throw RecordingError(issues: [issue])
            }
        }
        return nil
    }

    /// The next line without its newline, and whether it lacked one (the file's end).
    private static func nextLine(
        _ fd: Int32, _ buffer: inout [UInt8], _ start: inout Int, _ atEnd: inout Bool, limit: Int
    ) -> ([UInt8], Bool)? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                return (line, false)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return (line, true)
            }
            // A line this long is not a recording's: hand it over as it is, for the parser to refuse, rather
            // than read on into memory looking for its end.
            if buffer.count - start > limit {
                let line = Array(buffer[start...])
                start = buffer.count
                return (line, false)
            }
            // Keep the unfinished line, read more after it.
            buffer.removeSubrange(0..<start)
            start = 0
            searchFrom = buffer.count
            let chunk = 1 << 20
            let oldCount = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            var count = -1
            while count < 0 {
                count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + oldCount, chunk) }
                if count < 0, errno != EINTR { count = 0 }
            }
            buffer.removeSubrange((oldCount + count)...)
            if count == 0 { atEnd = true }
        }
    }
}
