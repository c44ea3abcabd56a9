import ProtoCodec
import Testing

/// Random messages of every type in the schema corpus, made by Python's protobuf (upb): both sides agree
/// on binary bytes, on JSON output (as JSON values), and read each other's output back to the same
/// message.
@Suite struct DifferentialTests {
    /// Files protoc compiles but Python's descriptor pool refuses, so there is nothing to compare with:
    /// `defaults.proto` has a subnormal float default (`9.9999461e-41`) that upb rejects as invalid.
    static let pythonRejects: Set<String> = ["constructs/defaults.proto"]

    @Test(arguments: DifferentialRun.corpusFiles)
    func swiftAndPythonProtobufAgree(on file: String) throws {
        let outcome = try #require(try DifferentialRun.shared.get().outcomes[file])
        if let reason = outcome.pythonRejects {
            #expect(Self.pythonRejects.contains(file), "Python's protobuf refuses \(file): \(reason)")
            return
        }
        #expect(!Self.pythonRejects.contains(file), "Python's protobuf now loads \(file): drop it from the list")
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
