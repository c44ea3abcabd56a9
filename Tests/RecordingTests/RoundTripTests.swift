import Foundation
import ProtoCodec
import ProtoSchema
import Recording
import Testing

/// What the writer writes, the reader reads back, event by event.
@Suite struct RoundTripTests {
    static let events: [RecordingEvent] = [
        .call(
            CallStartEvent(
                time: 10, call: 1, connection: 1, stream: 1, method: RecordingFixtures.unaryPath, kind: .unary,
                authority: "127.0.0.1:7000",
                metadata: [MetadataEntry("user-agent", "grpc-python/1.85.1"), MetadataEntry("x-trace-bin", "AQID")],
                timeoutNanoseconds: 5_000_000_000, encoding: "identity")),
        .message(
            MessageEvent(
                time: 20, call: 1, direction: .request, json: ["text": "hi \"there\"\n\u{1}", "count": "3"],
                raw: [0x0A, 0x02, 0x68, 0x69], size: 4)),
        .headers(
            ResponseHeadersEvent(time: 30, call: 1, metadata: [MetadataEntry("x-served-by", "b2")], encoding: "gzip")),
        .message(
            MessageEvent(
                time: 40, call: 1, direction: .response, json: nil, raw: [0xFF], size: 25, compressed: true,
                decodeError: "the bytes are not a valid recordtest.v1.Note", redacted: ["recordtest.v1.Note.password"],
                rawFields: [["field": 1, "varint": 150]])),
        .trailers(
            TrailersEvent(
                time: 50, call: 1, code: 5, message: "no such note: é",
                details: [["@type": "type.googleapis.com/vendor.Unknown", "raw": "CAc="]],
                metadata: [MetadataEntry("x-trailer", "t1")])),
        .end(CallEndEvent(time: 51, call: 1, outcome: .ok)),
        .call(
            CallStartEvent(
                time: 60, call: 2, connection: 2, stream: 3, method: "/x.Y/Z", kind: .unknown, authority: nil,
                metadata: [])),
        .trailers(TrailersEvent(time: 61, call: 2, code: 12, trailersOnly: true, httpStatus: 200)),
        .end(CallEndEvent(time: 62, call: 2, outcome: .reset(by: .client, errorCode: 8))),
        .call(
            CallStartEvent(
                time: 70, call: 3, connection: 2, stream: 5, method: "/x.Y/Z", kind: .bidi, authority: "a",
                metadata: [])),
        .end(CallEndEvent(time: 70, call: 3, outcome: .error("the server connection closed before the call ended"))),
    ]

    @Test func everyEventTypeReadsBackAsWritten() throws {
        let (path, _, directory) = try RecordingFixtures.written { writer in
            for event in Self.events { writer.append(event) }
            try writer.flush()
        }
        _ = directory
        let recording = try Recording.load(path: path)
        #expect(recording.header == RecordingFixtures.header())
        #expect(recording.events == Self.events)
        #expect(recording.warnings.isEmpty)
    }

    @Test func theStreamingReaderReadsTheSameEvents() throws {
        let (path, _, directory) = try RecordingFixtures.written { writer in
            for event in Self.events { try writer.write(event) }
        }
        _ = directory
        var reader = try RecordingReader(path: path)
        var read: [RecordingEvent] = []
        while let event = try reader.next() { read.append(event) }
        #expect(reader.header == RecordingFixtures.header())
        #expect(read == Self.events)
    }

    @Test func callsGatherTheirEvents() throws {
        let recording = Recording(header: RecordingFixtures.header(), events: Self.events)
        let calls = recording.calls
        #expect(calls.map(\.start.call) == [1, 2, 3])
        #expect(calls[0].requests.count == 1)
        #expect(calls[0].responses.count == 1)
        #expect(calls[0].headers?.encoding == "gzip")
        #expect(calls[0].trailers?.code == 5)
        #expect(calls[1].headers == nil)
        #expect(calls[1].trailers?.trailersOnly == true)
        #expect(calls[1].end?.outcome == .reset(by: .client, errorCode: 8))
    }

    @Test func keysAreWrittenInTheDocumentedOrder() throws {
        let (_, bytes, directory) = try RecordingFixtures.written { writer in
            try writer.write(Self.events[0])
            try writer.write(Self.events[1])
        }
        _ = directory
        let lines = RecordingFixtures.lines(bytes)
        #expect(lines.count == 3)
        #expect(
            lines[0].hasPrefix(
                #"{"type":"header","format":"reprise-recording","version":1,"created":"2027-01-15T08:00:00.125Z","source":{"kind":"proxy","listen":"127.0.0.1:7000","upstream":"127.0.0.1:50051","tls":"none"},"schema":{"fingerprint":"sha256:"#
            ))
        #expect(
            lines[0].hasSuffix(
                #""redaction":{"metadata":["authorization","cookie","set-cookie","proxy-authorization"],"fields":[]}}"#)
        )
        #expect(
            lines[1]
                == #"{"type":"call","t":10,"call":1,"conn":1,"stream":1,"method":"/recordtest.v1.Recorder/Unary","kind":"unary","authority":"127.0.0.1:7000","metadata":[["user-agent","grpc-python/1.85.1"],["x-trace-bin","AQID"]],"timeout_ns":5000000000,"encoding":"identity"}"#
        )
        #expect(
            lines[2]
                == #"{"type":"message","t":20,"call":1,"dir":"request","json":{"text":"hi \"there\"\n\u0001","count":"3"},"raw":"CgJoaQ==","size":4,"compressed":false}"#
        )
    }

    @Test func theEmbeddedSchemaLinksAndKeepsItsFingerprint() throws {
        let schema = RecordingFixtures.schema
        #expect(schema.fingerprint == EmbeddedSchema.fingerprint(of: schema.descriptorSet))
        #expect(schema.fingerprint.count == "sha256:".count + 64)
        let pool = try schema.makePool()
        #expect(pool.method(path: RecordingFixtures.unaryPath) != nil)
        #expect(pool.message(named: "google.rpc.ErrorInfo") != nil)
        #expect(pool.message(named: "google.protobuf.Timestamp") != nil)
        // The same files give the same fingerprint, whatever loaded them.
        let again = try EmbeddedSchema(pool: pool, files: schema.files)
        #expect(again.fingerprint == schema.fingerprint)
    }
}
