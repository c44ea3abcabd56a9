import ProtoCodec

/// Checks a recording line by line: the header first, then events whose calls were started before use,
/// whose times never go back within a call, and which never follow their call's end; a call half-closes
/// and is cancelled at most once, and sends no request message after its half-close.
struct RecordingParser {
    enum Outcome {
        case header(RecordingHeader)
        case event(RecordingEvent)
        case blank
        case issue(RecordingIssue)
    }

    private struct CallState {
        var startLine: Int
        var lastTime: Int64
        var endLine: Int?
        var halfCloseLine: Int?
        var cancelLine: Int?
    }

    let file: String
    private(set) var header: RecordingHeader?
    private var calls: [Int: CallState] = [:]

    /// The longest line read, in bytes.
    let maximumLineLength: Int

    init(file: String, maximumLineLength: Int = Self.maximumLineLength) {
        self.file = file
        self.maximumLineLength = maximumLineLength
    }

    /// The longest line read by default: one event, whose largest part is a message's base64 (the tap
    /// records messages up to 64 MiB, 86 MiB in base64) beside its JSON view. A longer line is not a
    /// recording's.
    static let maximumLineLength = 256 << 20

    /// The issue of a line over ``maximumLineLength``.
    func lineTooLong(_ number: Int) -> Outcome {
        problem(
            number,
            "the line is over \(maximumLineLength) bytes long; a recording's line holds one event (is this file "
                + "a recording?)")
    }

    /// Parses line `number`; `incomplete` says it is the last line and has no newline.
    mutating func parse(_ line: UnsafeRawBufferPointer, number: Int, incomplete: Bool) -> Outcome {
        if line.count > maximumLineLength { return lineTooLong(number) }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        let object: JSONObject
        do throws(CodecError) {
            let value = try JSONValue(parsing: line)
            guard case .object(let parsed) = value else {
                return problem(number, "the line is not a JSON object")
            }
            object = parsed
        } catch {
            if incomplete, header != nil {
                return .issue(
                    RecordingIssue(
                        file: file, line: number,
                        message: "the last line is incomplete (the recording was cut off while it was written); "
                            + "it was ignored", severity: .warning))
            }
            if header == nil, let other = Self.otherKind(of: line) {
                // The whole file's problem, not a line's.
                return problem(0, "the file is \(other), not a recording (JSON lines, a header first)")
            }
            return problem(number, "the line is not valid JSON: \(error.message)")
        }
        guard header != nil else {
            do throws(LineProblem) {
                let parsed = try HeaderDecoder.header(object)
                header = parsed
                return .header(parsed)
            } catch {
                return problem(number, error.message)
            }
        }
        let event: RecordingEvent
        do throws(LineProblem) {
            event = try EventDecoder.event(object)
        } catch {
            return problem(number, error.message)
        }
        return check(event, line: number)
    }

    /// What a file whose first line is not JSON is instead, when it says so by its first bytes (a packet
    /// capture, a compressed file) or by bytes no text has (a protoset, any other binary file); nil for text.
    /// Blank lines before it are passed over, so `line` is where pcapng's section header goes on.
    static func otherKind(of line: UnsafeRawBufferPointer) -> String? {
        func word(at offset: Int) -> UInt32? {
            guard line.count >= offset + 4 else { return nil }
            return line.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        }
        let pcapMagics: [UInt32] = [0xA1B2_C3D4, 0xA1B2_3C4D]
        if let first = word(at: 0), pcapMagics.contains(first) || pcapMagics.contains(first.byteSwapped) {
            return "a packet capture (pcap)"
        }
        // pcapng's section header starts 0A 0D 0D 0A (blank lines here), then its length and byte-order magic.
        if let magic = word(at: 4), magic == 0x1A2B_3C4D || magic == 0x4D3C_2B1A { return "a packet capture (pcapng)" }
        if line.starts(with: [0x1F, 0x8B]) { return "gzip-compressed" }
        if line.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return "zstd-compressed" }
        if line.contains(0) || String(validating: line, as: UTF8.self) == nil { return "binary" }
        return nil
    }

    /// Reports a missing header (an empty file).
    func finish(lines: Int) -> RecordingIssue? {
        header == nil
            ? RecordingIssue(file: file, line: max(lines, 1), message: "the recording is empty: it has no header line")
            : nil
    }

    private mutating func check(_ event: RecordingEvent, line: Int) -> Outcome {
        let id = event.call
        if case .call = event {
            if let existing = calls[id] {
                return problem(line, "call \(id) is started twice (first on line \(existing.startLine))")
            }
            calls[id] = CallState(startLine: line, lastTime: event.time)
            return .event(event)
        }
        guard var state = calls[id] else {
            return problem(line, "\(event.typeName) event for call \(id), which has no call event before it")
        }
        if let endLine = state.endLine {
            return problem(line, "\(event.typeName) event for call \(id) after its end event on line \(endLine)")
        }
        if event.time < state.lastTime {
            return problem(
                line,
                "\(event.typeName) event for call \(id) goes back in time: t=\(event.time) after t=\(state.lastTime)")
        }
        switch event {
        case .halfClose:
            if let first = state.halfCloseLine {
                return problem(line, "call \(id) is half-closed twice (first on line \(first))")
            }
            state.halfCloseLine = line
        case .cancel:
            if let first = state.cancelLine {
                return problem(line, "call \(id) is cancelled twice (first on line \(first))")
            }
            state.cancelLine = line
        case .message(let message) where message.direction == .request:
            if let halfClose = state.halfCloseLine {
                return problem(
                    line, "request message for call \(id) after its half_close event on line \(halfClose)")
            }
        case .end: state.endLine = line
        default: break
        }
        state.lastTime = event.time
        calls[id] = state
        return .event(event)
    }

    private func problem(_ line: Int, _ message: String) -> Outcome {
        .issue(RecordingIssue(file: file, line: line, message: message))
    }
}
