import ProtoCodec
import Testing

/// Random messages of every type in the schema corpus, made by Python's protobuf (upb): both sides agree
/// on binary bytes, on JSON output (as JSON values), and read each other's output back to the same
/// message.
@Suite struct DifferentialTests {
    @Test(arguments: DifferentialRun.corpusFiles)
    func swiftAndPythonProtobufAgree(on file: String) throws {
        let outcome = try #require(try DifferentialRun.shared.get().outcomes[file])
        guard outcome.compiled else { return }  // protoc rejects it: an error fixture of the schema tests
        #expect(outcome.cases > 0, "no messages were generated for \(file)")
        for finding in outcome.findings.prefix(15) {
            Issue.record(Comment(rawValue: finding))
        }
        if outcome.findings.count > 15 {
            Issue.record(Comment(rawValue: "... and \(outcome.findings.count - 15) more findings"))
        }
    }
}
