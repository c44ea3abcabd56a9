import GRPCProtocol
import NIOCore
import NIOHPACK
import NIOHTTP2
import Recording
import Tap
import Testing

/// The passive HTTP/2 decoder fed the bytes a real HTTP/2 client and server exchanged: the same events
/// however the bytes are split, header blocks across CONTINUATION, padding, resets, and garbage.
@Suite struct PassiveDecoderTests {
    /// Events as comparable text.
    static func describe(_ events: [TapEvent]) -> [String] {
        events.map { event in
            switch event {
            case .requestHeaders(_, let stream, let headers, _):
                return "request \(stream) \(headers.first(name: ":path") ?? "") \(headers.count)"
            case .data(_, let stream, let direction, let bytes, _):
                return "data \(stream) \(direction) \(Array(bytes.readableBytesView))"
            case .halfClose(_, let stream, _):
                return "half-close \(stream)"
            case .responseHeaders(_, let stream, let headers, let endStream, _):
                return
                    "response \(stream) \(endStream ? "trailers \(headers.first(name: "grpc-status") ?? "-")" : "headers")"
            case .reset(_, let stream, let side, let code, _):
                return "reset \(stream) by \(side) \(code)"
            case .streamFailed(_, let stream, let reason, _):
                return "failed \(stream) \(reason)"
            case .answeredByProxy(_, let stream, let reason, _):
                return "answered \(stream) \(reason)"
            case .goAway(_, let side, let lastStream, let code, let debug, _):
                return "goaway by \(side) last \(lastStream) code \(code) \(debug)"
            case .connectionClosed(_, let reason, _):
                return "closed \(reason)"
            case .streamsLost(_, let count, let reason):
                return "lost \(count) \(reason)"
            }
        }
    }

    static func decode(client: [ByteBuffer], server: [ByteBuffer]) -> [TapEvent] {
        let tap = PassiveHTTP2Decoder(connection: 1)
        var events: [TapEvent] = []
        for piece in client { tap.feed(piece, from: .client, time: 0, into: &events) }
        for piece in server { tap.feed(piece, from: .server, time: 0, into: &events) }
        return events
    }

    static func pieces(_ buffer: ByteBuffer, at cut: Int) -> [ByteBuffer] {
        [
            buffer.getSlice(at: buffer.readerIndex, length: cut)!,
            buffer.getSlice(at: buffer.readerIndex + cut, length: buffer.readableBytes - cut)!,
        ]
    }

    static let twoCalls: [String] = [
        "request 1 /demo.v1.Demo/SayHello 6", "data 1 request [0, 0, 0, 0, 3, 10, 1, 65]", "half-close 1",
        "request 3 /demo.v1.Demo/Echo 7", "data 3 request [0, 0, 0, 0, 3, 10, 1, 65]", "half-close 3",
        "response 1 headers", "data 1 response [0, 0, 0, 0, 4, 10, 2, 66, 67]", "response 1 trailers 0",
        "response 3 headers", "data 3 response [0, 0, 0, 0, 4, 10, 2, 66, 67]", "response 3 trailers 0",
    ]

    @Test func twoCallsDecodeFromBothDirectionsWithTheHPACKTableInUse() throws {
        let pair = try H2Pair()
        try pair.unaryCall(stream: 1)
        try pair.unaryCall(stream: 3, path: "/demo.v1.Demo/Echo", metadata: [("x-team", "blue")])
        let tap = PassiveHTTP2Decoder(connection: 1)
        var events: [TapEvent] = []
        tap.feed(pair.clientBytes, from: .client, time: 0, into: &events)
        #expect(tap.openStreams == 2)
        tap.feed(pair.serverBytes, from: .server, time: 0, into: &events)
        #expect(Self.describe(events) == Self.twoCalls)
        // Ended calls are forgotten: what the decoder holds is the calls in flight.
        #expect(tap.openStreams == 0)
        // The second call's headers came mostly from the dynamic table: fewer bytes, same headers.
        guard case .requestHeaders(_, _, let headers, _) = events[3] else { return }
        #expect(headers.first(name: "x-team") == "blue")
        #expect(headers.first(name: "content-type") == "application/grpc")
    }

    @Test func theSameEventsComeOutHoweverTheBytesAreSplit() throws {
        let pair = try H2Pair()
        try pair.unaryCall(stream: 1)
        try pair.unaryCall(stream: 3, path: "/demo.v1.Demo/Echo", metadata: [("x-team", "blue")])
        let client = pair.clientBytes
        let server = pair.serverBytes
        for cut in 0...client.readableBytes {
            let events = Self.decode(client: Self.pieces(client, at: cut), server: [server])
            #expect(Self.describe(events) == Self.twoCalls, "client bytes cut at \(cut)")
        }
        for cut in 0...server.readableBytes {
            let events = Self.decode(client: [client], server: Self.pieces(server, at: cut))
            #expect(Self.describe(events) == Self.twoCalls, "server bytes cut at \(cut)")
        }
        let oneByOne = Self.decode(
            client: (0..<client.readableBytes).map { client.getSlice(at: client.readerIndex + $0, length: 1)! },
            server: (0..<server.readableBytes).map { server.getSlice(at: server.readerIndex + $0, length: 1)! })
        #expect(Self.describe(oneByOne) == Self.twoCalls)
    }

    /// A header block of 9 KB that names one 4 KB field 5000 times would decode to 20 MB: the connection
    /// is unreadable from there, with the reason, and the call before it stays decoded.
    @Test func aHeaderBlockThatDecodesPastSixteenMiBEndsTheConnectionWithTheReason() throws {
        let pair = try H2Pair()
        try pair.unaryCall(stream: 1)
        var client = pair.clientBytes
        let block = PassiveHPACKDecoderTests.repeatedFieldBlock(references: 5000)
        let offset = client.readableBytes
        // HEADERS with END_HEADERS on stream 3.
        client.writeBytes([UInt8(block.readableBytes >> 16), UInt8((block.readableBytes >> 8) & 0xFF)])
        client.writeBytes([UInt8(block.readableBytes & 0xFF), 0x1, 0x4, 0, 0, 0, 3])
        client.writeImmutableBuffer(block)
        let events = Self.decode(client: [client], server: [])
        #expect(
            Self.describe(events) == [
                "request 1 /demo.v1.Demo/SayHello 6", "data 1 request [0, 0, 0, 0, 3, 10, 1, 65]", "half-close 1",
                "closed the client's bytes are not readable HTTP/2 from byte \(offset) on: the header block of "
                    + "stream 3 does not decode: the header list decodes to more than 16777216 bytes (name + value "
                    + "+ 32 per field), past what the tap decodes",
            ])
    }

    /// A client that opens stream after stream and ends none: past `maximumOpenStreams` the connection is
    /// unreadable from that frame on, with the reason, instead of the decoder's state growing with the input.
    @Test func streamsOpenedPastTheLimitEndTheConnectionWithTheReason() throws {
        let pair = try H2Pair()
        var client = pair.clientBytes
        let limit = PassiveHTTP2Decoder.maximumOpenStreams
        var offset = 0
        for index in 0...limit {
            let stream = UInt32(2 * index + 1)
            if index == limit { offset = client.readableBytes }
            // HEADERS with END_HEADERS: :method POST, :scheme http, :path / from HPACK's static table.
            client.writeBytes([0, 0, 3, 0x1, 0x4])
            client.writeInteger(stream)
            client.writeBytes([0x83, 0x86, 0x84])
        }
        let events = Self.decode(client: [client], server: [])
        #expect(events.count == limit + 1)
        #expect(
            Self.describe(events).last
                == "closed the client's bytes are not readable HTTP/2 from byte \(offset) on: stream \(2 * limit + 1) "
                + "opens while \(limit) others are open, the most the tap holds")
    }

    @Test func aHeaderBlockSplitOverContinuationFramesIsJoined() throws {
        // NIOHTTP2 does not split header blocks itself, so the frames are written here, with an encoder
        // whose dynamic table the second block relies on.
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        let big = String(repeating: "x", count: 40_000)
        let headers: HPACKHeaders = [
            ":method": "POST", ":path": "/p.S/M", ":scheme": "http", "content-type": "application/grpc", "x-big": big,
        ]
        var client = ByteBuffer(bytes: Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8))
        for stream: UInt32 in [1, 3] {
            var block = ByteBuffer()
            try encoder.encode(headers: headers, to: &block)
            let third = block.readableBytes / 3
            let parts = [
                block.readSlice(length: third)!, block.readSlice(length: third)!,
                block.readSlice(length: block.readableBytes)!,
            ]
            for (index, part) in parts.enumerated() {
                Self.writeFrame(
                    type: index == 0 ? 0x1 : 0x9, flags: index == 2 ? 0x4 : 0, stream: stream, into: &client
                ) { $0.writeImmutableBuffer(part) }
            }
            Self.writeFrame(type: 0x0, flags: 0x1, stream: stream, into: &client) {
                $0.writeImmutableBuffer(H2Pair.message([1]))
            }
        }
        let events = Self.decode(client: [client], server: [])
        #expect(Self.describe(events).count == 6, "\(Self.describe(events))")
        for event in events {
            if case .requestHeaders(_, _, let decoded, _) = event { #expect(decoded.first(name: "x-big") == big) }
        }
        // A frame of another kind inside a header block is a protocol error.
        var broken = ByteBuffer(bytes: Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8))
        Self.writeFrame(type: 0x1, flags: 0, stream: 1, into: &broken) { $0.writeBytes([0x82]) }
        Self.writeFrame(type: 0x0, flags: 0, stream: 1, into: &broken) { $0.writeBytes([0]) }
        let refused = Self.describe(Self.decode(client: [broken], server: []))
        #expect(refused.count == 1 && refused[0].contains("is not continued by CONTINUATION"), "\(refused)")
    }

    @Test func paddingAndPriorityAreStripped() throws {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var block = ByteBuffer()
        try encoder.encode(
            headers: [":method": "POST", ":path": "/p.S/M", ":scheme": "http", "content-type": "application/grpc"],
            to: &block)
        var client = ByteBuffer(bytes: Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8))
        // HEADERS, PADDED | PRIORITY | END_HEADERS: pad length 3, 5 bytes of priority, the block, 3 bytes of padding.
        Self.writeFrame(type: 0x1, flags: 0x8 | 0x20 | 0x4, stream: 1, into: &client) { payload in
            payload.writeInteger(UInt8(3))
            payload.writeBytes([0x80, 0, 0, 0, 15])
            payload.writeImmutableBuffer(block)
            payload.writeBytes([0, 0, 0])
        }
        // DATA, PADDED | END_STREAM: pad length 4.
        Self.writeFrame(type: 0x0, flags: 0x8 | 0x1, stream: 1, into: &client) { payload in
            payload.writeInteger(UInt8(4))
            payload.writeImmutableBuffer(H2Pair.message([7]))
            payload.writeBytes([0, 0, 0, 0])
        }
        // The client cancels.
        Self.writeFrame(type: 0x3, flags: 0, stream: 1, into: &client) { $0.writeInteger(UInt32(8)) }
        let events = Self.decode(client: [client], server: [])
        #expect(
            Self.describe(events) == [
                "request 1 /p.S/M 4", "data 1 request [0, 0, 0, 0, 1, 7]", "half-close 1", "reset 1 by client 8",
            ])
    }

    @Test func aServerGoAwayIsReportedAndEndsTheStreamsItWillNotProcess() throws {
        let pair = try H2Pair()
        for stream in [1, 3, 5] { try pair.openCall(stream: stream, path: "/p.S/M") }
        var debug = ByteBuffer(string: "too many pings")
        var server = pair.serverBytes
        Self.writeFrame(type: 0x7, flags: 0, stream: 0, into: &server) {
            $0.writeInteger(UInt32(1))
            $0.writeInteger(UInt32(11))
            $0.writeBuffer(&debug)
        }
        let events = Self.decode(client: [pair.clientBytes], server: [server])
        let reason =
            "the server refused the stream (GOAWAY with ENHANCE_YOUR_CALM, last stream 1); it was not processed"
        #expect(
            Self.describe(events) == [
                "request 1 /p.S/M 5", "request 3 /p.S/M 5", "request 5 /p.S/M 5",
                "goaway by server last 1 code 11 too many pings", "failed 3 \(reason)", "failed 5 \(reason)",
            ])
    }

    @Test func controlFramesOffStreamZeroAreNotHTTP2() throws {
        let pair = try H2Pair()
        var client = pair.clientBytes
        let valid = client.readableBytes
        Self.writeFrame(type: 0x6, flags: 0, stream: 1, into: &client) { $0.writeInteger(UInt64(0)) }
        let events = Self.decode(client: [client], server: [])
        #expect(
            Self.describe(events) == [
                "closed the client's bytes are not readable HTTP/2 from byte \(valid) on: PING on stream 1"
            ])
    }

    @Test func bytesThatAreNotHTTP2AreReportedOnceAndWhatCameBeforeIsKept() throws {
        let pair = try H2Pair()
        try pair.unaryCall(stream: 1)
        var client = pair.clientBytes
        // A HEADERS frame whose block is garbage, then more bytes.
        Self.writeFrame(type: 0x1, flags: 0x4, stream: 3, into: &client) { $0.writeBytes([0xFF, 0xFF, 0xFF, 0xFF]) }
        let valid = pair.clientBytes.readableBytes
        let tap = PassiveHTTP2Decoder(connection: 1)
        var events: [TapEvent] = []
        tap.feed(client, from: .client, time: 0, into: &events)
        tap.feed(ByteBuffer(bytes: [1, 2, 3]), from: .client, time: 0, into: &events)
        tap.feed(pair.serverBytes, from: .server, time: 0, into: &events)
        let described = Self.describe(events)
        #expect(described.prefix(3) == Self.twoCalls.prefix(3))
        #expect(described.count == 4, "\(described)")
        #expect(
            described.last?.hasPrefix("closed the client's bytes are not readable HTTP/2 from byte \(valid) on") == true
        )
        #expect(tap.failure != nil)

        let notHTTP2 = PassiveHTTP2Decoder(connection: 2)
        var other: [TapEvent] = []
        notHTTP2.feed(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"), from: .client, time: 0, into: &other)
        #expect(
            Self.describe(other) == [
                "closed the client's bytes are not readable HTTP/2 from byte 0 on: it does not start with the HTTP/2 connection preface"
            ])
    }

    static func writeFrame(
        type: UInt8, flags: UInt8, stream: UInt32, into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void
    ) {
        var payload = ByteBuffer()
        body(&payload)
        buffer.writeInteger(UInt8(payload.readableBytes >> 16))
        buffer.writeInteger(UInt16(payload.readableBytes & 0xFFFF))
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeInteger(stream)
        buffer.writeImmutableBuffer(payload)
    }

    /// A decoder that joins the connection at any byte of the client's stream (as a capture that began
    /// mid-connection does): it finds the next whole frame, never fails, and every header field and
    /// message it gives is the true one of its stream; the calls opened after the cut come out whole.
    @Test func aDecoderJoiningAtAnyByteFindsTheFramesAndNeverGetsAFieldWrong() throws {
        let pair = try H2Pair()
        for stream in stride(from: 1, through: 11, by: 2) {
            try pair.unaryCall(stream: stream, path: stream % 4 == 1 ? "/demo.v1.Demo/SayHello" : "/demo.v1.Demo/Echo")
        }
        let truth = Self.decode(client: [pair.clientBytes], server: [pair.serverBytes])
        var trueFields: [Int: [String]] = [:]
        for case .requestHeaders(_, let stream, let headers, _) in truth {
            trueFields[stream] = headers.map { "\($0.name): \($0.value)" }
        }
        let client = pair.clientBytes
        var decodedCalls = 0
        for cut in 0..<client.readableBytes {
            let tap = PassiveHTTP2Decoder(connection: 1, joinedMidway: true)
            var events: [TapEvent] = []
            tap.feed(
                client.getSlice(at: client.readerIndex + cut, length: client.readableBytes - cut)!, from: .client,
                time: 0, into: &events)
            tap.feed(pair.serverBytes, from: .server, time: 0, into: &events)
            #expect(tap.failure == nil, "cut at \(cut): \(tap.failure ?? "")")
            for case .requestHeaders(_, let stream, let headers, _) in events {
                let fields = headers.map { "\($0.name): \($0.value)" }
                #expect(
                    fields.allSatisfy { trueFields[stream]?.contains($0) == true }, "cut at \(cut), stream \(stream)")
                #expect(fields.count + headers.unknownFields == trueFields[stream]?.count, "cut at \(cut)")
                decodedCalls += 1
            }
        }
        #expect(decodedCalls > 0)
    }

    /// A decoder joining midway whose two directions were given the wrong way round (the ports misled
    /// the importer): the first request or response header block says so, and the events come out as if
    /// they had been given the right way.
    @Test func aMidwayDecoderFedTheDirectionsSwappedSortsThemOutFromTheFirstHeaders() throws {
        let pair = try H2Pair()
        for stream in stride(from: 1, through: 5, by: 2) { try pair.unaryCall(stream: stream) }
        let client = pair.clientBytes.getSlice(
            at: pair.clientBytes.readerIndex + 24, length: pair.clientBytes.readableBytes - 24)!
        func run(swapped: Bool) -> (events: [String], decoder: PassiveHTTP2Decoder) {
            let tap = PassiveHTTP2Decoder(connection: 1, joinedMidway: true)
            var events: [TapEvent] = []
            tap.feed(client, from: swapped ? .server : .client, time: 0, into: &events)
            tap.feed(pair.serverBytes, from: swapped ? .client : .server, time: 0, into: &events)
            return (Self.describe(events), tap)
        }
        let right = run(swapped: false)
        let wrong = run(swapped: true)
        #expect(!right.decoder.sidesSwapped)
        #expect(wrong.decoder.sidesSwapped)
        #expect(wrong.events == right.events)
        #expect(right.events.contains("request 5 /demo.v1.Demo/SayHello 6"), "\(right.events)")
    }
}
