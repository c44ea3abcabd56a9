import Foundation
import ProtoCodec
import Recording
import Testing

/// What a session makes of wire facts: calls, decoded messages, statuses, ends.
@Suite struct SessionTests {
    @Test func aUnaryCallBecomesCallMessageHeadersTrailersAndEnd() throws {
        let harness = try SessionHarness()
        let request = try RecordingFixtures.note(#"{"text":"hello","count":"3","mood":"HAPPY"}"#)
        harness.session.startCall(
            connection: 1, stream: 1,
            headers: SessionHarness.requestHeaders(
                RecordingFixtures.unaryPath, extra: [("x-team", "blue"), ("authorization", "Bearer s3cret")]),
            time: 100)
        harness.message(1, .request, request, time: 110)
        harness.session.responseHeaders(
            connection: 1, stream: 1,
            headers: SessionHarness.fields([
                (":status", "200"), ("content-type", "application/grpc"), ("x-served-by", "b2"), ("set-cookie", "id=1"),
            ]),
            time: 120)
        harness.message(1, .response, request, time: 130)
        harness.session.trailers(
            connection: 1, stream: 1,
            headers: SessionHarness.fields([("grpc-status", "0"), ("grpc-message", ""), ("x-trailer", "t")]),
            time: 140)
        let recording = try harness.recording()
        let call = try #require(recording.calls.first)
        #expect(call.start.method == RecordingFixtures.unaryPath)
        #expect(call.start.kind == .unary)
        #expect(call.start.authority == "127.0.0.1:7000")
        #expect(call.start.timeoutNanoseconds == 250_000_000)
        #expect(
            call.start.metadata == [
                MetadataEntry("user-agent", "test/1.0"), MetadataEntry("x-team", "blue"),
                MetadataEntry("authorization", "[redacted]"),
            ])
        #expect(call.requests.first?.json?["text"] == "hello")
        #expect(call.requests.first?.json?["count"] == "3")
        #expect(call.requests.first?.json?["mood"] == "HAPPY")
        #expect(call.requests.first?.raw == request)
        #expect(
            call.headers?.metadata == [MetadataEntry("x-served-by", "b2"), MetadataEntry("set-cookie", "[redacted]")])
        #expect(call.trailers?.code == 0)
        #expect(call.trailers?.metadata == [MetadataEntry("x-trailer", "t")])
        #expect(call.end?.outcome == .ok)
        #expect(call.end?.time == 140)
    }

    @Test func statusDetailsOfKnownTypesAreDecodedAndOthersKeptRaw() throws {
        let harness = try SessionHarness()
        harness.session.startCall(
            connection: 1, stream: 1, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath), time: 1)
        // google.rpc.Status{code: 5, message: "gone", details: [ErrorInfo{reason: "R", domain: "d"}, vendor.Unknown]}
        let errorInfo: [UInt8] = [0x0A, 0x01, 0x52, 0x12, 0x01, 0x64]
        let errorInfoURL = Array("type.googleapis.com/google.rpc.ErrorInfo".utf8)
        let unknownURL = Array("type.googleapis.com/vendor.Unknown".utf8)
        let any1: [UInt8] =
            [0x0A, UInt8(errorInfoURL.count)] + errorInfoURL + [0x12, UInt8(errorInfo.count)] + errorInfo
        let any2: [UInt8] = [0x0A, UInt8(unknownURL.count)] + unknownURL + [0x12, 0x02, 0x08, 0x07]
        let status: [UInt8] =
            [0x08, 0x05, 0x12, 0x04] + Array("gone".utf8) + [0x1A, UInt8(any1.count)] + any1 + [
                0x1A, UInt8(any2.count),
            ]
            + any2
        harness.session.trailers(
            connection: 1, stream: 1,
            headers: SessionHarness.fields([
                (":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "5"),
                ("grpc-message", "no%20such%20note: %C3%A9"),
                ("grpc-status-details-bin", RecordingBase64.encode(status).replacingOccurrences(of: "=", with: "")),
            ]), time: 2)
        let trailers = try #require(try harness.recording().calls.first?.trailers)
        #expect(trailers.code == 5)
        #expect(trailers.message == "no such note: é")
        #expect(trailers.trailersOnly)
        #expect(trailers.httpStatus == 200)
        #expect(trailers.metadata.isEmpty)
        #expect(
            trailers.details == [
                ["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "R", "domain": "d", "metadata": [:]],
                ["@type": "type.googleapis.com/vendor.Unknown", "raw": "CAc="],
            ])
    }

    @Test func aMethodTheSchemaDoesNotKnowIsKeptRawWithItsSchemaLessView() throws {
        var options = RecordingSession.Options()
        options.includeRawFields = true
        let harness = try SessionHarness(options: options)
        harness.session.startCall(
            connection: 1, stream: 1, headers: SessionHarness.requestHeaders("/other.Svc/Do"), time: 1)
        harness.message(1, .request, [0x08, 0x96, 0x01], time: 2)
        harness.session.reset(connection: 1, stream: 1, by: .client, errorCode: 8, time: 3)
        let call = try #require(try harness.recording().calls.first)
        #expect(call.start.kind == .unknown)
        #expect(call.requests.first?.json == nil)
        #expect(call.requests.first?.raw == [0x08, 0x96, 0x01])
        #expect(call.requests.first?.rawFields == [["field": 1, "varint": 150]])
        #expect(call.end?.outcome == .reset(by: .client, errorCode: 8))
    }

    @Test func bytesThatAreNotTheSchemasMessageKeepTheirBytesAndSayWhy() throws {
        let harness = try SessionHarness()
        harness.session.startCall(
            connection: 1, stream: 1, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath), time: 1)
        harness.message(1, .request, [0x0A, 0x05, 0x68], time: 2)
        let message = try #require(try harness.recording().calls.first?.requests.first)
        #expect(message.json == nil)
        #expect(message.raw == [0x0A, 0x05, 0x68])
        #expect(message.decodeError?.hasPrefix("the bytes are not a valid recordtest.v1.Note") == true)
    }

    @Test func withoutASchemaEveryMessageIsRaw() throws {
        let harness = try SessionHarness(registry: nil)
        harness.session.startCall(
            connection: 1, stream: 1, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath), time: 1)
        harness.message(1, .request, try RecordingFixtures.note(#"{"text":"x"}"#), time: 2)
        let recording = try harness.recording()
        #expect(recording.header.schema == nil)
        #expect(recording.calls.first?.start.kind == .unknown)
        #expect(recording.calls.first?.requests.first?.json == nil)
    }

    @Test func aClosedConnectionEndsItsOpenCallsWithTheReason() throws {
        let harness = try SessionHarness()
        for stream in [1, 3] {
            harness.session.startCall(
                connection: 1, stream: stream, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath),
                time: 10)
        }
        harness.session.startCall(
            connection: 2, stream: 1, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath), time: 10)
        harness.session.connectionClosed(connection: 1, reason: "the server connection closed", time: 20)
        #expect(harness.session.openCalls == 1)
        let calls = try harness.recording().calls
        #expect(
            calls.map(\.end?.outcome) == [
                .error("the server connection closed"), .error("the server connection closed"), nil,
            ])
    }

    @Test func theClientsHalfCloseFollowsItsMessageAndIsWrittenOnce() throws {
        let harness = try SessionHarness()
        harness.session.startCall(
            connection: 1, stream: 1, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath), time: 1)
        harness.message(1, .request, try RecordingFixtures.note(#"{"text":"x"}"#), time: 2)
        harness.session.halfClose(connection: 1, stream: 1, time: 2)
        harness.session.halfClose(connection: 1, stream: 1, time: 3)
        harness.session.trailers(
            connection: 1, stream: 1, headers: SessionHarness.fields([("grpc-status", "0")]), time: 4)
        // After the end, a half-close belongs to no call.
        harness.session.halfClose(connection: 1, stream: 1, time: 5)
        let recording = try harness.recording()
        #expect(recording.events.map(\.typeName) == ["call", "message", "half_close", "trailers", "end"])
        #expect(recording.calls.first?.halfClose == HalfCloseEvent(time: 2, call: 1))
    }

    @Test func aResetByTheClientIsACancelBeforeTheEndAndOneByTheServerIsNot() throws {
        let harness = try SessionHarness()
        for stream in [1, 3] {
            harness.session.startCall(
                connection: 1, stream: stream, headers: SessionHarness.requestHeaders(RecordingFixtures.unaryPath),
                time: 1)
        }
        harness.message(1, .response, try RecordingFixtures.note(#"{"text":"x"}"#), time: 2)
        harness.session.reset(connection: 1, stream: 1, by: .client, errorCode: 8, time: 3)
        harness.session.reset(connection: 1, stream: 3, by: .server, errorCode: 2, time: 4)
        let recording = try harness.recording()
        #expect(recording.events.map(\.typeName) == ["call", "call", "message", "cancel", "end", "end"])
        let calls = recording.calls
        #expect(calls[0].cancel == CancelEvent(time: 3, call: 1, errorCode: 8))
        #expect(calls[0].responsesBeforeCancel == 1)
        #expect(calls[0].end?.outcome == .reset(by: .client, errorCode: 8))
        #expect(calls[1].cancel == nil)
        #expect(calls[1].end?.outcome == .reset(by: .server, errorCode: 2))
    }

    @Test(arguments: [
        ("100m", Int64(100_000_000)), ("5S", 5_000_000_000), ("1H", 3_600_000_000_000), ("7u", 7000), ("9n", 9),
        ("2M", 120_000_000_000),
    ])
    func grpcTimeoutsAreRecordedInNanoseconds(_ header: String, _ nanoseconds: Int64) throws {
        let harness = try SessionHarness()
        harness.session.startCall(
            connection: 1, stream: 1,
            headers: SessionHarness.fields([(":path", RecordingFixtures.unaryPath), ("grpc-timeout", header)]), time: 1)
        #expect(try harness.recording().calls.first?.start.timeoutNanoseconds == nanoseconds)
    }

    /// Inferring a lost method (a capture that began mid-connection) takes a type only if it reads the
    /// message strictly: a field the type lacks, or a known field with another wire type, rules it out, in
    /// nested messages and lists of them as at the top.
    @Test func aMethodReadsAMessageOnlyIfNoFieldAnywhereInItIsUnknown() throws {
        let harness = try SessionHarness()
        let path = RecordingFixtures.unaryPath
        func reads(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { harness.session.methods(among: [path], reading: $0, as: .request) } == [path]
        }
        // Note.inner (7) is an Inner {token = 1, ratio = 2}; Note.inners (10) a list of them.
        #expect(reads(try RecordingFixtures.note(#"{"text":"a","inner":{"token":"t"},"inners":[{"ratio":1}]}"#)))
        #expect(!reads([0x58, 0x01]))  // field 11: Note has none
        #expect(!reads([0x0D, 0, 0, 0, 0]))  // field 1 as fixed32: text is a string
        #expect(!reads([0x3A, 0x02, 0x18, 0x01]))  // inner with a field 3
        #expect(!reads([0x52, 0x05, 0x0D, 0x01, 0x00, 0x00, 0x00]))  // an element of inners with token as fixed32
    }
}
