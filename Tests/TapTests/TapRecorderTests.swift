import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import ProtoCodec
import ProtoSchema
import Recording
import Tap
import TestSupport
import Testing

/// The tap's recorder: a connection's bytes in, the recording's calls out, with messages reassembled across
/// frames and the connection's end ending what was still open. The proxy and the capture importer share it.
@Suite struct TapRecorderTests {
    /// Records what `feed` hands the recorder, schema-less, and reads the recording back.
    static func record(
        methodFilter: MethodFilter = .all, maxMessageSize: Int = 64 * 1024 * 1024, _ feed: (TapRecorder) throws -> Void
    ) throws -> Recording {
        let directory = try TemporaryDirectory(prefix: "reprise-tap")
        let path = directory.path("tap.jsonl").path
        let writer = try RecordingWriter(
            path: path, header: RecordingHeader(source: RecordingSource(kind: "capture"), schema: nil), sync: .never)
        let session = try RecordingSession(writer: writer, registry: nil)
        let recorder = TapRecorder(session: session, maxMessageSize: maxMessageSize, methodFilter: methodFilter)
        try feed(recorder)
        try writer.close()
        return try Recording.load(path: path)
    }

    @Test func aUnaryCallSplitAtEveryByteIsRecordedWhole() throws {
        let pair = try H2Pair()
        try pair.unaryCall(stream: 1, metadata: [("x-team", "blue")])
        let client = pair.clientBytes
        let server = pair.serverBytes
        for cut in stride(from: 1, to: client.readableBytes, by: 7) {
            let recording = try Self.record { recorder in
                for piece in PassiveDecoderTests.pieces(client, at: cut) {
                    recorder.feed(connection: 1, from: .client, bytes: piece, time: 1)
                }
                for piece in PassiveDecoderTests.pieces(server, at: min(cut, server.readableBytes - 1)) {
                    recorder.feed(connection: 1, from: .server, bytes: piece, time: 2)
                }
            }
            let call = try #require(recording.calls.first)
            #expect(call.start.method == "/demo.v1.Demo/SayHello")
            #expect(call.start.metadata.contains { $0.key == "x-team" && $0.value == "blue" })
            #expect(call.requests.map(\.raw) == [[0x0A, 0x01, 0x41]])
            #expect(call.responses.map(\.raw) == [[0x0A, 0x02, 0x42, 0x43]])
            #expect(call.halfClose != nil)
            #expect(call.trailers?.code == 0)
            #expect(call.end?.outcome == .ok)
        }
    }

    @Test func aMessageSpreadOverFramesIsOneMessageAndTheConnectionsEndEndsOpenCalls() throws {
        let pair = try H2Pair()
        try pair.openCall(stream: 1, path: "/p.S/Stream")
        // One 10-byte message in three DATA frames.
        let message = H2Pair.message(Array(0..<10))
        for range in [0..<4, 4..<9, 9..<15] {
            let slice = message.getSlice(at: range.lowerBound, length: range.count)!
            try pair.fromClient(1, .data(.init(data: .byteBuffer(slice))))
        }
        let recording = try Self.record { recorder in
            recorder.feed(connection: 7, from: .client, bytes: pair.clientBytes, time: 1)
            recorder.close(connection: 7, reason: "the capture ended", time: 2)
        }
        let call = try #require(recording.calls.first)
        #expect(call.start.connection == 7)
        #expect(call.requests.map(\.raw) == [Array(0..<10)])
        #expect(call.end?.outcome == .error("the capture ended"))
    }

    /// A message over the recorder's limit: the frame's bytes are kept with a reason that names the limit,
    /// the rest of that direction is not recorded, and the call still ends as it did.
    @Test func aMessageOverTheRecordersLimitIsNamedAsSuch() throws {
        let pair = try H2Pair()
        try pair.openCall(stream: 1, path: "/p.S/Upload")
        try pair.fromClient(1, .data(.init(data: .byteBuffer(H2Pair.message(Array(repeating: 7, count: 2000))))))
        let recording = try Self.record(maxMessageSize: 1024) { recorder in
            recorder.feed(connection: 1, from: .client, bytes: pair.clientBytes, time: 1)
            recorder.close(connection: 1, reason: "the capture ended", time: 2)
        }
        let call = try #require(recording.calls.first)
        let request = try #require(call.requests.first)
        #expect(call.requests.count == 1)
        let reason = try #require(request.decodeError)
        #expect(reason.hasPrefix("a message over the recorder's limit (") && reason.contains("2000"), "\(reason)")
        #expect(reason.hasSuffix("these are the frame's bytes and the rest of the requests are not recorded"))
        #expect(call.end?.outcome == .error("the capture ended"))
    }

    /// A call a proxy answered itself (its server could not be reached) ends with the proxy's reason once
    /// the client is done with it: at the client's half-close, at its reset (what a gRPC client does to a
    /// stream it had not half-closed when the status came), or at once when it had half-closed already.
    /// Its messages until then are recorded; a server's reset is still a reset.
    @Test func aCallTheProxyAnsweredEndsForItsReasonWhenTheClientIsDone() throws {
        let reason = "the server 127.0.0.1:1 could not be reached: connection refused by 127.0.0.1:1"
        enum Then { case clientHalfCloses, clientResets, alreadyHalfClosed, connectionCloses }
        for then in [Then.clientHalfCloses, .clientResets, .alreadyHalfClosed, .connectionCloses] {
            let pair = try H2Pair()
            try pair.openCall(stream: 1, path: "/p.S/Chat")
            try pair.fromClient(
                1, .data(.init(data: .byteBuffer(H2Pair.message([1])), endStream: then == .alreadyHalfClosed)))
            let before = pair.clientBytes
            switch then {
            case .clientHalfCloses:
                try pair.fromClient(1, .data(.init(data: .byteBuffer(H2Pair.message([2])), endStream: true)))
            case .clientResets:
                try pair.fromClient(1, .data(.init(data: .byteBuffer(H2Pair.message([2])))))
                try pair.fromClient(1, .rstStream(.cancel))
            case .alreadyHalfClosed, .connectionCloses: break
            }
            let after = pair.clientBytes.getSlice(
                at: before.writerIndex, length: pair.clientBytes.writerIndex - before.writerIndex)!
            let recording = try Self.record { recorder in
                recorder.feed(connection: 1, from: .client, bytes: before, time: 1)
                recorder.record(.answeredByProxy(connection: 1, stream: 1, reason: reason, time: 2))
                if after.readableBytes > 0 { recorder.feed(connection: 1, from: .client, bytes: after, time: 3) }
                recorder.close(connection: 1, reason: reason, time: 4)
            }
            let call = try #require(recording.calls.first)
            #expect(call.end?.outcome == .error(reason), "\(then)")
            #expect(call.trailers == nil)
            switch then {
            case .clientHalfCloses:
                #expect(call.requests.map(\.raw) == [[1], [2]])
                #expect(call.halfClose?.time == 3)
                #expect(call.end?.time == 3)
            case .clientResets:
                #expect(call.requests.map(\.raw) == [[1], [2]])
                #expect(call.cancel == nil, "the client's reset after the proxy's answer is not a cancel")
                #expect(call.end?.time == 3)
            case .alreadyHalfClosed:
                #expect(call.requests.map(\.raw) == [[1]])
                #expect(call.end?.time == 2)
            case .connectionCloses:
                #expect(call.requests.map(\.raw) == [[1]])
                #expect(call.end?.time == 4)
            }
        }
        // A reset from the server (no proxy's answer involved) stays a reset.
        let pair = try H2Pair()
        try pair.openCall(stream: 1, path: "/p.S/Chat")
        try pair.fromServer(1, .rstStream(.refusedStream))
        let recording = try Self.record { recorder in
            recorder.feed(connection: 1, from: .client, bytes: pair.clientBytes, time: 1)
            recorder.feed(connection: 1, from: .server, bytes: pair.serverBytes, time: 2)
        }
        #expect(recording.calls.first?.end?.outcome == .reset(by: .server, errorCode: 7))
    }

    @Test func callsTheMethodFilterLeavesOutAreNotRecordedAndAreCounted() throws {
        let pair = try H2Pair()
        try pair.unaryCall(stream: 1)
        try pair.unaryCall(stream: 3, path: "/grpc.health.v1.Health/Check")
        try pair.unaryCall(stream: 5)
        var excluded = 0
        let recording = try Self.record(
            methodFilter: try MethodFilter(include: ["demo.v1.Demo/*"], exclude: ["/grpc.health.v1.Health/*"])
        ) { recorder in
            recorder.feed(connection: 1, from: .client, bytes: pair.clientBytes, time: 1)
            recorder.feed(connection: 1, from: .server, bytes: pair.serverBytes, time: 2)
            excluded = recorder.excludedCalls
        }
        #expect(recording.calls.map(\.start.stream) == [1, 5])
        #expect(recording.calls.allSatisfy { $0.end?.outcome == .ok })
        #expect(excluded == 1)
        // Call ids stay dense: the left-out call took none.
        #expect(recording.calls.map(\.start.call) == [1, 2])
    }

    /// A GOAWAY frame as bytes, written by hand: NIOHTTP2 will not encode the odd last stream grpc-go sends.
    static func goAway(lastStream: UInt32, code: UInt32, debug: String = "") -> ByteBuffer {
        var frame = ByteBuffer()
        let length = 8 + debug.utf8.count
        frame.writeInteger(UInt16(length >> 8))
        frame.writeInteger(UInt8(length & 0xFF))
        frame.writeInteger(UInt8(0x7))  // GOAWAY
        frame.writeInteger(UInt8(0))
        frame.writeInteger(UInt32(0))
        frame.writeInteger(lastStream)
        frame.writeInteger(code)
        frame.writeString(debug)
        return frame
    }

    /// What grpc-go (k6) and a NIOHTTP2 server do on every close, seen on the wire without any proxy: the
    /// client's GOAWAY names its own last stream (7), the server answers GOAWAY PROTOCOL_ERROR with the
    /// largest stream id. That answer ends a connection the client was leaving: no notice. The same error
    /// GOAWAY from a server whose client was not leaving is reported.
    @Test func aServersErrorAnswerToTheClientsGoodbyeIsNotReportedButAnUnpromptedOneIs() throws {
        for clientLeaves in [true, false] {
            let pair = try H2Pair()
            try pair.unaryCall(stream: 1)
            var notices: [String] = []
            let directory = try TemporaryDirectory(prefix: "reprise-tap")
            let writer = try RecordingWriter(
                path: directory.path("tap.jsonl").path,
                header: RecordingHeader(source: RecordingSource(kind: "capture"), schema: nil), sync: .never)
            let recorder = TapRecorder(session: try RecordingSession(writer: writer, registry: nil)) {
                notices.append($0)
            }
            recorder.feed(connection: 1, from: .client, bytes: pair.clientBytes, time: 1)
            recorder.feed(connection: 1, from: .server, bytes: pair.serverBytes, time: 2)
            if clientLeaves {
                recorder.feed(
                    connection: 1, from: .client,
                    bytes: Self.goAway(lastStream: 7, code: 0, debug: "client transport shutdown"), time: 3)
            }
            recorder.feed(connection: 1, from: .server, bytes: Self.goAway(lastStream: 0x7FFF_FFFF, code: 1), time: 4)
            recorder.close(connection: 1, reason: "the client closed the connection", time: 5)
            if clientLeaves {
                #expect(notices.isEmpty, "\(notices)")
            } else {
                #expect(
                    notices == ["connection 1: the server sent GOAWAY with PROTOCOL_ERROR (last stream 2147483647)"])
            }
            #expect(recorder.session.callsEnded == 1)
        }
    }

    /// Calls joined midway whose `:path` was in HPACK state from before, and whose method stays open: one
    /// sends no message before the connection ends, one sends a message every method of the schema reads.
    /// Each is counted as lost, with a reason that stays short however large the schema.
    @Test func callsWhoseMethodStaysOpenAreCountedWithAShortReason() throws {
        let pool = try DescriptorPool(
            importPaths: [Repository.fixture("protos/record").path], files: ["recordtest/v1/record_test.proto"])
        let directory = try TemporaryDirectory(prefix: "reprise-tap-midway")
        let path = directory.path("tap.jsonl").path
        let writer = try RecordingWriter(
            path: path, header: RecordingHeader(source: RecordingSource(kind: "capture"), schema: nil), sync: .never)
        let recorder = TapRecorder(
            session: try RecordingSession(writer: writer, registry: try MessageRegistry(pool: pool)))
        let pair = try H2Pair()
        // Before the capture: the first call puts its :path in the client's HPACK table.
        try pair.openCall(stream: 1, path: "/recordtest.v1.Recorder/Unary")
        let joinedAt = pair.clientBytes.readableBytes
        try pair.openCall(stream: 3, path: "/recordtest.v1.Recorder/Unary")
        try pair.openCall(stream: 5, path: "/recordtest.v1.Recorder/Unary")
        try pair.fromClient(5, .data(.init(data: .byteBuffer(H2Pair.message([0x0A, 0x01, 0x41])))))
        recorder.joinMidway(connection: 1)
        recorder.feed(
            connection: 1, from: .client,
            bytes: pair.clientBytes.getSlice(
                at: pair.clientBytes.readerIndex + joinedAt, length: pair.clientBytes.readableBytes - joinedAt)!,
            time: 1)
        recorder.close(connection: 1, reason: "the capture ended", time: 2)
        try writer.close()

        #expect(try Recording.load(path: path).calls.isEmpty)
        let before = "their method was in header table state from before the capture, and "
        let methods = pool.methods.count
        #expect(methods > 5)
        #expect(
            recorder.callsLost == [
                before + "no message of theirs was seen to infer it from": 1,
                before + "their messages read as any of /recordtest.v1.Recorder/Bidi, /recordtest.v1.Recorder/Big, "
                    + "/recordtest.v1.Recorder/ClientStream, /recordtest.v1.Recorder/Drip and \(methods - 4) more": 1,
            ], "\(recorder.callsLost)")
    }
}
