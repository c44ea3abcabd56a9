import Foundation
import Recording
import Testing

/// Base64 and the writer's file handling.
@Suite struct FormatPrimitivesTests {
    @Test(arguments: [
        ([UInt8](), ""), ([0x00], "AA=="), ([0x00, 0x01], "AAE="), ([0x00, 0x01, 0x02], "AAEC"),
        ([0xFF, 0xFE, 0xFD, 0xFC], "//79/A=="),
    ])
    func base64EncodesPaddedAndDecodesBack(_ bytes: [UInt8], _ text: String) {
        #expect(RecordingBase64.encode(bytes) == text)
        #expect(RecordingBase64.decode(text) == bytes)
        #expect(RecordingBase64.decode(text.replacingOccurrences(of: "=", with: "")) == bytes)
    }

    @Test(arguments: ["A", "AB=", "A===", "AB C", "AB!=", "AR=="])
    func base64RejectsWhatIsNotBase64(_ text: String) {
        #expect(RecordingBase64.decode(text) == nil)
    }

    @Test func base64AcceptsTheURLSafeAlphabet() {
        #expect(RecordingBase64.decode("__79_A") == [0xFF, 0xFE, 0xFD, 0xFC])
    }

    @Test func theWriterRefusesToReplaceARecordingUnlessAsked() throws {
        let directory = try TemporaryDirectoryForTests()
        let path = directory.file("once.jsonl")
        try RecordingWriter(path: path, header: RecordingFixtures.header()).close()
        let error = #expect(throws: RecordingWriteError.self) {
            _ = try RecordingWriter(path: path, header: RecordingFixtures.header())
        }
        #expect(
            error?.description
                == "cannot write the recording \(path): the file already exists; choose another name or pass --overwrite"
        )
        try RecordingWriter(path: path, header: RecordingFixtures.header(), overwrite: true).close()
    }

    @Test func recordingsAreReadableOnlyByTheirOwner() throws {
        let directory = try TemporaryDirectoryForTests()
        let path = directory.file("private.jsonl")
        try RecordingWriter(path: path, header: RecordingFixtures.header()).close()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func eachFlushLeavesTheFileEndingWithAWholeLine() throws {
        let directory = try TemporaryDirectoryForTests()
        let path = directory.file("lines.jsonl")
        let writer = try RecordingWriter(path: path, header: RecordingFixtures.header(schema: nil), sync: .always)
        for index in 1...5 {
            writer.append(
                .call(
                    CallStartEvent(
                        time: Int64(index), call: index, connection: 1, stream: index * 2 - 1, method: "/a.B/C",
                        kind: .unknown, authority: nil, metadata: [])))
            try writer.flush()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.last == UInt8(ascii: "\n"))
            #expect(try Recording(parsing: [UInt8](bytes)).events.count == index)
        }
        #expect(writer.eventsWritten == 5)
        try writer.close()
    }
}
