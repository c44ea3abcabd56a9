import Foundation
import Recording
import TestSupport
import Testing

/// Broken recordings: every problem is reported with its line number, and what can be kept is kept.
@Suite struct ReaderValidationTests {
    static let header: String = {
        let (_, bytes, directory) = try! RecordingFixtures.written(header: RecordingFixtures.header(schema: nil)) { _ in
        }
        _ = directory
        return RecordingFixtures.lines(bytes)[0]
    }()

    static let call =
        #"{"type":"call","t":5,"call":1,"conn":1,"stream":1,"method":"/a.B/C","kind":"unary","metadata":[],"encoding":"identity"}"#

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var lines: [String]
        var line: Int
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a newer version", lines: [header.replacingOccurrences(of: #""version":1"#, with: #""version":2"#)],
            line: 1,
            message: "recording format version 2 is not supported: this reprise reads version 1"),
        Case(
            name: "no header", lines: [call], line: 1,
            message: "the first line must be the recording header"),
        Case(
            name: "another format", lines: [header.replacingOccurrences(of: "reprise-recording", with: "har")], line: 1,
            message: #""format" is "har""#),
        Case(
            name: "a missing key",
            lines: [header, call, #"{"type":"message","t":6,"call":1,"dir":"request","size":1}"#],
            line: 3, message: #"message line: missing "raw""#),
        Case(
            name: "a wrong type", lines: [header, call.replacingOccurrences(of: #""t":5"#, with: #""t":"5""#)], line: 2,
            message: #"call line: "t" must be an integer, got a string"#),
        Case(
            name: "a negative time", lines: [header, call.replacingOccurrences(of: #""t":5"#, with: #""t":-5"#)],
            line: 2,
            message: #""t" must not be negative"#),
        Case(
            name: "an unknown call", lines: [header, call, #"{"type":"end","t":9,"call":7,"outcome":"ok"}"#], line: 3,
            message: "end event for call 7, which has no call event before it"),
        Case(
            name: "bad base64",
            lines: [
                header, call,
                #"{"type":"message","t":6,"call":1,"dir":"request","raw":"not base64!","size":1,"compressed":false}"#,
            ], line: 3, message: #"message line: "raw" is not valid base64"#),
        Case(
            name: "a bad direction",
            lines: [
                header, call, #"{"type":"message","t":6,"call":1,"dir":"up","raw":"","size":0,"compressed":false}"#,
            ],
            line: 3, message: #""dir" must be request or response, got "up""#),
        Case(
            name: "time going back",
            lines: [header, call, #"{"type":"end","t":4,"call":1,"outcome":"ok"}"#], line: 3,
            message: "end event for call 1 goes back in time: t=4 after t=5"),
        Case(
            name: "an event after the end",
            lines: [
                header, call, #"{"type":"end","t":6,"call":1,"outcome":"ok"}"#,
                #"{"type":"headers","t":7,"call":1,"status":200,"metadata":[],"encoding":"identity"}"#,
            ], line: 4, message: "headers event for call 1 after its end event on line 3"),
        Case(
            name: "a call started twice", lines: [header, call, call], line: 3,
            message: "call 1 is started twice (first on line 2)"),
        Case(
            name: "an unknown event type", lines: [header, #"{"type":"goaway","t":1,"call":1}"#], line: 2,
            message: #"unknown event type "goaway""#),
        Case(
            name: "a reset without its side",
            lines: [header, call, #"{"type":"end","t":6,"call":1,"outcome":"reset","error_code":8}"#], line: 3,
            message: #"end line: missing "by""#),
        Case(
            name: "bad metadata",
            lines: [header, call.replacingOccurrences(of: #""metadata":[]"#, with: #""metadata":[["a"]]"#)],
            line: 2, message: #""metadata"[0] must be a [key, value] pair of strings"#),
        Case(
            name: "a broken line in the middle", lines: [header, #"{"type":"call","t":5"#, call], line: 2,
            message: "the line is not valid JSON"),
        Case(
            name: "a second header", lines: [header, header], line: 2, message: "a second header line"),
        Case(
            name: "a cancel without its error code", lines: [header, call, #"{"type":"cancel","t":6,"call":1}"#],
            line: 3, message: #"cancel line: missing "error_code""#),
        Case(
            name: "a cancel with a text error code",
            lines: [header, call, #"{"type":"cancel","t":6,"call":1,"error_code":"CANCEL"}"#], line: 3,
            message: #"cancel line: "error_code" must be an integer, got a string"#),
        Case(
            name: "a cancel with a negative error code",
            lines: [header, call, #"{"type":"cancel","t":6,"call":1,"error_code":-8}"#], line: 3,
            message: #"cancel line: "error_code" must not be negative, got -8"#),
        Case(
            name: "a cancel with an error code beyond 32 bits",
            lines: [header, call, #"{"type":"cancel","t":6,"call":1,"error_code":4294967296}"#], line: 3,
            message: #"cancel line: "error_code" must be an HTTP/2 error code, got 4294967296"#),
        Case(
            name: "a half-close without its call", lines: [header, #"{"type":"half_close","t":6}"#], line: 2,
            message: #"half_close line: missing "call""#),
        Case(
            name: "a half-close for an unknown call", lines: [header, call, #"{"type":"half_close","t":6,"call":2}"#],
            line: 3, message: "half_close event for call 2, which has no call event before it"),
        Case(
            name: "a half-close twice",
            lines: [header, call, #"{"type":"half_close","t":6,"call":1}"#, #"{"type":"half_close","t":7,"call":1}"#],
            line: 4, message: "call 1 is half-closed twice (first on line 3)"),
        Case(
            name: "a request after the half-close",
            lines: [
                header, call, #"{"type":"half_close","t":6,"call":1}"#,
                #"{"type":"message","t":7,"call":1,"dir":"request","raw":"","size":0,"compressed":false}"#,
            ], line: 4, message: "request message for call 1 after its half_close event on line 3"),
        Case(
            name: "a cancel twice",
            lines: [
                header, call, #"{"type":"cancel","t":6,"call":1,"error_code":8}"#,
                #"{"type":"cancel","t":7,"call":1,"error_code":8}"#,
            ], line: 4, message: "call 1 is cancelled twice (first on line 3)"),
        Case(
            name: "a cancel after the end",
            lines: [
                header, call, #"{"type":"end","t":6,"call":1,"outcome":"ok"}"#,
                #"{"type":"cancel","t":7,"call":1,"error_code":8}"#,
            ], line: 4, message: "cancel event for call 1 after its end event on line 3"),
    ]

    @Test(arguments: cases) func aBrokenRecordingNamesTheLineAndTheProblem(_ broken: Case) throws {
        let text = broken.lines.joined(separator: "\n") + "\n"
        let error = #expect(throws: RecordingError.self) {
            try Recording(parsing: Array(text.utf8), name: "broken.jsonl")
        }
        let issue = try #require(error?.issues.first)
        #expect(issue.line == broken.line, "\(issue)")
        #expect(issue.message.contains(broken.message), "\(issue)")
        #expect(issue.description.hasPrefix("broken.jsonl:\(broken.line): "))
    }

    @Test func aFingerprintThatDoesNotMatchTheSchemaIsRejected() throws {
        let (_, bytes, directory) = try RecordingFixtures.written { _ in }
        _ = directory
        var header = RecordingFixtures.lines(bytes)[0]
        let fingerprint = RecordingFixtures.schema.fingerprint
        header = header.replacingOccurrences(of: fingerprint, with: "sha256:" + String(repeating: "0", count: 64))
        let error = #expect(throws: RecordingError.self) {
            try Recording(parsing: Array((header + "\n").utf8), name: "edited.jsonl")
        }
        #expect(error?.description.hasPrefix("edited.jsonl:1: the embedded schema's fingerprint sha256:000") == true)
        #expect(error?.description.contains("does not match its descriptor set (\(fingerprint))") == true)
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let text =
            [
                Self.header, Self.call, #"{"type":"end","t":9,"call":7,"outcome":"ok"}"#,
                #"{"type":"message","t":6,"call":1,"dir":"request","raw":"%%","size":1,"compressed":false}"#,
            ].joined(separator: "\n") + "\n"
        let error = #expect(throws: RecordingError.self) { try Recording(parsing: Array(text.utf8), name: "r") }
        #expect(error?.issues.map(\.line) == [3, 4])
    }

    @Test func anIncompleteLastLineIsReportedAndTheLinesBeforeItAreKept() throws {
        let text = [Self.header, Self.call, #"{"type":"message","t":6,"call":1,"dir":"requ"#].joined(separator: "\n")
        let recording = try Recording(parsing: Array(text.utf8), name: "cut.jsonl")
        #expect(recording.events.count == 1)
        #expect(recording.warnings.count == 1)
        #expect(recording.warnings.first?.line == 3)
        #expect(
            recording.warnings.first?.description
                == "cut.jsonl:3: warning: the last line is incomplete (the recording was cut off while it was written); it was ignored"
        )
    }

    @Test func aCompleteLastLineWithoutItsNewlineIsKept() throws {
        let text = [Self.header, Self.call].joined(separator: "\n")
        let recording = try Recording(parsing: Array(text.utf8), name: "r")
        #expect(recording.events.count == 1)
        #expect(recording.warnings.isEmpty)
    }

    @Test func theStreamingReaderStopsAtTheFirstBrokenLine() throws {
        let directory = try TemporaryDirectoryForTests()
        let path = directory.file("broken.jsonl")
        let text =
            [Self.header, Self.call, #"{"type":"end","t":9,"call":7,"outcome":"ok"}"#].joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var reader = try RecordingReader(path: path)
        #expect(try reader.next() != nil)
        let error = #expect(throws: RecordingError.self) { _ = try reader.next() }
        #expect(error?.description == "\(path):3: end event for call 7, which has no call event before it")
    }

    /// A file that is not a recording (one endless line) costs the reader its line limit, not the file.
    @Test func aLineOverTheLimitIsRefusedWithoutReadingOn() throws {
        let directory = try TemporaryDirectoryForTests()
        let path = directory.file("endless.jsonl")
        let endless = String(repeating: "x", count: 3 << 20)  // three 1 MiB reads, no newline
        try Data((Self.header + "\n" + endless).utf8).write(to: URL(fileURLWithPath: path))
        var reader = try RecordingReader(path: path, maximumLineLength: 1 << 20)
        let error = #expect(throws: RecordingError.self) { _ = try reader.next() }
        #expect(
            error?.description
                == "\(path):2: the line is over 1048576 bytes long; a recording's line holds one event (is this "
                + "file a recording?)")
    }

    /// A capture, a protoset or a compressed recording given where a recording goes is named for what it is,
    /// as a problem of the whole file; text that is not JSON keeps the line's own problem.
    @Test func aFileThatIsNotARecordingIsNamedForWhatItIs() throws {
        let demo = try Data(contentsOf: Repository.root.appendingPathComponent("recordings/demo.jsonl"))
        let protoset = RecordingFixtures.schema.descriptorSet
        let files: [(name: String, bytes: [UInt8], what: String)] = [
            ("grpcio-demo-ipv4.pcap", try Self.fixture("captures/grpcio-demo-ipv4.pcap"), "a packet capture (pcap)"),
            (
                "grpcio-demo-two-links.pcapng", try Self.fixture("captures/grpcio-demo-two-links.pcapng"),
                "a packet capture (pcapng)"
            ),
            ("demo.protoset", protoset, "binary"),
            ("demo.jsonl.gz", [0x1F, 0x8B, 0x08, 0x00] + Array(demo.prefix(40)), "gzip-compressed"),
        ]
        for file in files {
            let error = #expect(throws: RecordingError.self) { try Recording(parsing: file.bytes, name: file.name) }
            #expect(
                error?.description
                    == "\(file.name): the file is \(file.what), not a recording (JSON lines, a header first)")
        }
        let error = #expect(throws: RecordingError.self) {
            try Recording(parsing: Array("hello\n".utf8), name: "notes.txt")
        }
        #expect(error?.description.hasPrefix("notes.txt:1: the line is not valid JSON") == true)
    }

    private static func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Repository.fixture(path)))
    }

    @Test func anEmptyFileHasNoHeader() throws {
        let error = #expect(throws: RecordingError.self) { try Recording(parsing: [], name: "empty.jsonl") }
        #expect(error?.description == "empty.jsonl:1: the recording is empty: it has no header line")
    }
}
