import Foundation
import ProtoCodec
import Recording
import Testing

/// Secrets never reach the file: metadata values and message fields named by the user.
@Suite struct RedactionTests {
    static let login =
        #"{"text":"t","password":"hunter2","inner":{"token":"tok","ratio":1},"inners":[{"token":"a"},{"token":"b","ratio":2}]}"#

    private func recordedRequest(_ policy: RedactionPolicy) throws -> MessageEvent {
        let harness = try SessionHarness(redaction: policy)
        harness.session.startCall(
            connection: 1, stream: 1,
            headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath, extra: [("x-api-key", "k")]), time: 1)
        harness.message(1, .request, try RecordingFixtures.note(Self.login), time: 2)
        let recording = try harness.recording()
        #expect(recording.header.redaction == policy)
        return try #require(recording.calls.first?.requests.first)
    }

    @Test func aFieldNamedByTypeIsClearedInJSONAndInTheRawBytes() throws {
        let message = try recordedRequest(
            RedactionPolicy(metadataKeys: [], fieldPaths: ["recordtest.v1.Note.password"]))
        #expect(message.json?["password"] == "")
        #expect(message.json?["text"] == "t")
        #expect(message.redacted == ["recordtest.v1.Note.password"])
        let decoded = try DynamicMessage(type: RecordingFixtures.noteType, serializedBytes: message.raw)
        #expect(decoded["password"] == nil)
        #expect(decoded["text"] == .string("t"))
        #expect(!String(decoding: message.raw, as: UTF8.self).contains("hunter2"))
    }

    @Test func nestedAndRepeatedFieldsAreFollowed() throws {
        let message = try recordedRequest(
            RedactionPolicy(
                metadataKeys: [],
                fieldPaths: ["recordtest.v1.Note.inner.token", "/recordtest.v1.Recorder/Unary:$.inners[*].token"]
            ))
        #expect(message.json?["inner"]?["token"] == "")
        #expect(message.json?["inner"]?["ratio"] == 1)
        #expect(message.json?["inners"]?[0]?["token"] == "")
        #expect(message.json?["inners"]?[1]?["ratio"] == 2)
        #expect(message.json?["password"] == "hunter2")
        #expect(
            message.redacted == ["recordtest.v1.Note.inner.token", "/recordtest.v1.Recorder/Unary:$.inners[*].token"])
        #expect(!String(decoding: message.raw, as: UTF8.self).contains("tok"))
    }

    @Test func aRuleThatFindsNothingToClearIsNotListed() throws {
        let harness = try SessionHarness(
            redaction: RedactionPolicy(metadataKeys: [], fieldPaths: ["recordtest.v1.Note.password"]))
        harness.session.startCall(
            connection: 1, stream: 1, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath), time: 1)
        let bytes = try RecordingFixtures.note(#"{"text":"no secret"}"#)
        harness.message(1, .request, bytes, time: 2)
        let message = try #require(try harness.recording().calls.first?.requests.first)
        #expect(message.redacted.isEmpty)
        #expect(message.raw == bytes)
    }

    @Test func metadataKeysNamedByTheUserAreRedactedBesideTheDefaults() throws {
        let harness = try SessionHarness(
            redaction: RedactionPolicy(metadataKeys: ["X-API-Key"] + RecordingFormat.defaultRedactedMetadata))
        harness.session.startCall(
            connection: 1, stream: 1,
            headers: SessionHarness.requestHeaders(
                RecordingFixtures.unaryPath, extra: [("x-api-key", "k"), ("cookie", "c=1"), ("x-keep", "v")]), time: 1)
        let call = try #require(try harness.recording().calls.first)
        #expect(
            call.start.metadata == [
                MetadataEntry("user-agent", "test/1.0"), MetadataEntry("x-api-key", "[redacted]"),
                MetadataEntry("cookie", "[redacted]"), MetadataEntry("x-keep", "v"),
            ])
    }

    @Test(arguments: [
        ("recordtest.v1.Note.pasword", "recordtest.v1.Note has no field \"pasword\""),
        ("recordtest.v1.Nope.password", "no message type of the schema starts this path"),
        ("/recordtest.v1.Recorder/Nope:$.password", "the schema has no method /recordtest.v1.Recorder/Nope"),
        ("recordtest.v1.Note.text.more", "recordtest.v1.Note.text is not a message"),
        ("/recordtest.v1.Recorder/Unary", "a method rule is /package.Service/Method:$.field.path"),
    ])
    func aRuleThatDoesNotFitTheSchemaIsAnError(_ rule: String, _ reason: String) throws {
        let error = #expect(throws: RedactionError.self) {
            _ = try MessageRedactor(
                policy: RedactionPolicy(metadataKeys: [], fieldPaths: [rule]), pool: RecordingFixtures.pool)
        }
        #expect(error?.description.hasPrefix("--redact-field \(rule): ") == true)
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
    }
}
