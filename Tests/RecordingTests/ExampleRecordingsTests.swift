import Foundation
import ProtoSchema
import Recording
import TestSupport
import Testing

/// The example recordings in `recordings/` (made by scripts/record-examples.sh) stay readable: they are
/// the first thing the replayer and people read.
struct ExampleRecordingsTests {
    static let names = ["demo.jsonl", "demo-raw.jsonl"]

    @Test(arguments: names) func anExampleRecordingLoadsWhole(_ name: String) throws {
        let path = Repository.root.appendingPathComponent("recordings/\(name)").path
        let recording = try Recording.load(path: path)
        #expect(recording.warnings.isEmpty)
        #expect(recording.calls.count == 8)
        #expect(recording.calls.allSatisfy { $0.end != nil })
        #expect(recording.calls.first?.start.metadata.first { $0.key == "authorization" }?.value == "[redacted]")
    }

    @Test func theDecodedExampleHasEveryRPCKindAndItsSchema() throws {
        let path = Repository.root.appendingPathComponent("recordings/demo.jsonl").path
        let recording = try Recording.load(path: path)
        let kinds = Set(recording.calls.map(\.start.kind))
        #expect(kinds == [.unary, .serverStreaming, .clientStreaming, .bidi])
        let pool = try #require(try recording.header.schema?.makePool())
        #expect(pool.method(path: "/demo.v1.Demo/Chat") != nil)
        #expect(recording.calls.allSatisfy { call in call.messages.allSatisfy { $0.json != nil } })
    }
}
