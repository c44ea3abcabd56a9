import Foundation
import ProtoSchema
import TestSupport
import Testing

/// Each file under `fixtures/protos-broken/` holds one mistake and starts with
/// `// error: <words>`. Reprise must reject it on the line protoc reports first, with a message
/// containing those words (and protoc's message must contain them too, so the expectation is real).
@Suite struct BrokenProtoTests {
    /// `file:line:col: message` as protoc prints it.
    struct Located: Equatable {
        var file: String
        var line: Int
        var column: Int
        var message: String
    }

    static func firstError(in stderr: String) -> Located? {
        for line in stderr.split(separator: "\n") where !line.contains(": warning:") {
            let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let number = Int(parts[1]), let column = Int(parts[2]) else { continue }
            return Located(
                file: String(parts[0]), line: number, column: column,
                message: parts[3].trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    @Test(arguments: ProtoCorpus.broken)
    func rejectedOnTheLineProtocReports(_ entry: CorpusEntry) throws {
        let root = try #require(entry.root)
        let source = try String(contentsOfFile: "\(root)/\(entry.name)", encoding: .isoLatin1)
        let header = try #require(source.split(separator: "\n").first)
        #expect(header.hasPrefix("// error: "), "the first line must say which error is expected")
        let expected = header.dropFirst("// error: ".count).trimmingCharacters(in: .whitespaces)

        let protocErrors = try Protoc.errors([entry.name], importPaths: [URL(fileURLWithPath: root)])
        #expect(protocErrors.contains(expected), "protoc says: \(protocErrors)")

        let error = try #require(throws: SchemaError.self) {
            try ProtoLoader(importPaths: [root]).load([entry.name])
        }
        #expect(error.description.contains(expected), "Reprise says: \(error)")
        if let located = Self.firstError(in: protocErrors) {
            #expect(
                error.line == located.line,
                "protoc: \(located.file):\(located.line): \(located.message); Reprise: \(error)")
            // protoc may print the path it found the file at rather than its import name.
            let file = error.file ?? ""
            #expect(located.file == file || located.file.hasSuffix("/" + file), "protoc: \(located.file)")
        }
    }
}
