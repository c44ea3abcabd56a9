import Foundation
import Recording
import Testing

/// The client's half-close and cancel: written, read back, gathered into calls with the number of
/// responses the client had seen, and old recordings without them still read.
@Suite struct ClientEndEventTests {
    static func start(_ call: Int, _ kind: RPCKind, time: Int64) -> RecordingEvent {
        .call(
            CallStartEvent(
                time: time, call: call, connection: 1, stream: 2 * call - 1, method: "/x.Y/Z", kind: kind,
                authority: nil, metadata: []))
    }

    static func message(_ call: Int, _ direction: MessageDirection, _ byte: UInt8, time: Int64) -> RecordingEvent {
        .message(MessageEvent(time: time, call: call, direction: direction, json: nil, raw: [0x08, byte], size: 2))
    }

    /// A bidi call whose client writes while responses arrive and half-closes before the last one, and a
    /// server-streaming call the client cancels after two responses.
    static let events: [RecordingEvent] = [
        start(1, .bidi, time: 10),
        message(1, .request, 0, time: 11),
        .headers(ResponseHeadersEvent(time: 12, call: 1, metadata: [])),
        message(1, .response, 0, time: 13),
        start(2, .serverStreaming, time: 14),
        message(2, .request, 9, time: 15),
        .halfClose(HalfCloseEvent(time: 15, call: 2)),
        message(1, .request, 1, time: 16),
        message(1, .response, 1, time: 17),
        message(2, .response, 9, time: 17),
        message(1, .response, 2, time: 18),
        message(1, .request, 2, time: 19),
        .halfClose(HalfCloseEvent(time: 20, call: 1)),
        message(2, .response, 8, time: 21),
        message(1, .response, 3, time: 22),
        .cancel(CancelEvent(time: 23, call: 2, errorCode: 8)),
        .end(CallEndEvent(time: 23, call: 2, outcome: .reset(by: .client, errorCode: 8))),
        .trailers(TrailersEvent(time: 24, call: 1, code: 0)),
        .end(CallEndEvent(time: 24, call: 1, outcome: .ok)),
    ]

    @Test func halfCloseAndCancelReadBackAsWritten() throws {
        let (path, bytes, directory) = try RecordingFixtures.written { writer in
            for event in Self.events { writer.append(event) }
            try writer.flush()
        }
        _ = directory
        let lines = RecordingFixtures.lines(bytes)
        #expect(lines.contains(#"{"type":"half_close","t":20,"call":1}"#))
        #expect(lines.contains(#"{"type":"cancel","t":23,"call":2,"error_code":8}"#))
        #expect(try Recording.load(path: path).events == Self.events)
        var reader = try RecordingReader(path: path)
        var read: [RecordingEvent] = []
        while let event = try reader.next() { read.append(event) }
        #expect(read == Self.events)
        #expect(try JSONSchemaValidator.problems([path]) == "")
    }

    @Test func eventsNameTheirCallTimeAndType() {
        let halfClose = RecordingEvent.halfClose(HalfCloseEvent(time: 7, call: 3))
        let cancel = RecordingEvent.cancel(CancelEvent(time: 9, call: 4, errorCode: 2))
        #expect(halfClose.call == 3)
        #expect(cancel.call == 4)
        #expect(halfClose.time == 7)
        #expect(cancel.time == 9)
        #expect([halfClose.typeName, cancel.typeName] == ["half_close", "cancel"])
    }

    @Test func callsCountTheResponsesBeforeEachRequestTheHalfCloseAndTheCancel() throws {
        let calls = Recording(header: RecordingFixtures.header(), events: Self.events).calls
        let bidi = calls[0]
        #expect(bidi.requests.count == 3)
        #expect((0..<3).map { bidi.responsesBefore(requestIndex: $0) } == [0, 1, 3])
        #expect(bidi.halfClose == HalfCloseEvent(time: 20, call: 1))
        #expect(bidi.responsesBeforeHalfClose == 3)
        #expect(bidi.cancel == nil)
        #expect(bidi.responsesBeforeCancel == nil)

        let cancelled = calls[1]
        #expect(cancelled.responsesBefore(requestIndex: 0) == 0)
        #expect(cancelled.halfClose?.time == 15)
        #expect(cancelled.responsesBeforeHalfClose == 0)
        #expect(cancelled.cancel == CancelEvent(time: 23, call: 2, errorCode: 8))
        #expect(cancelled.responsesBeforeCancel == 2)
        #expect(cancelled.end?.outcome == .reset(by: .client, errorCode: 8))
    }

    /// Recorded before the two events existed, a client's reset is only the call's end: it reads as the
    /// cancel it was, at the end's time (a server's reset does not).
    @Test func aRecordingWithoutHalfCloseOrCancelStillReads() throws {
        // Lines as reprise wrote them before the two events existed (recordings/demo.jsonl, call 7), and a
        // call the server reset.
        let text =
            [
                ReaderValidationTests.header,
                #"{"type":"call","t":382688769,"call":7,"conn":1,"stream":13,"method":"/demo.v1.Demo/Sleep","kind":"unary","authority":"127.0.0.1:38815","metadata":[["user-agent","grpc-go/1.73.0"]],"timeout_ns":99944888,"encoding":"identity"}"#,
                #"{"type":"message","t":383620654,"call":7,"dir":"request","raw":"CgIIBQ==","size":4,"compressed":false}"#,
                #"{"type":"headers","t":387398089,"call":7,"status":200,"metadata":[],"encoding":"identity"}"#,
                #"{"type":"end","t":483398085,"call":7,"outcome":"reset","by":"client","error_code":8}"#,
                #"{"type":"call","t":483398090,"call":8,"conn":1,"stream":15,"method":"/demo.v1.Demo/Sleep","kind":"unary","metadata":[],"encoding":"identity"}"#,
                #"{"type":"end","t":483398095,"call":8,"outcome":"reset","by":"server","error_code":2}"#,
            ].joined(separator: "\n") + "\n"
        let recording = try Recording(parsing: Array(text.utf8), name: "old.jsonl")
        #expect(recording.events.count == 6)
        let call = try #require(recording.calls.first)
        #expect(call.halfClose == nil)
        #expect(call.cancel == CancelEvent(time: 483_398_085, call: 7, errorCode: 8))
        #expect(call.responsesBeforeHalfClose == nil)
        #expect(call.responsesBeforeCancel == 0)
        #expect(call.responsesBefore(requestIndex: 0) == 0)
        #expect(call.end?.outcome == .reset(by: .client, errorCode: 8))
        #expect(recording.calls.last?.cancel == nil)
    }

    @Test func askingForARequestTheCallDoesNotHaveStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let call = Recording(header: RecordingFixtures.header(), events: ClientEndEventTests.events).calls[1]
            _ = call.responsesBefore(requestIndex: 1)
        }
    }
}
