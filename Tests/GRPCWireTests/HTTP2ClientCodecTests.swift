import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import Testing

@testable import GRPCWire

/// The client's HTTP/2 framing on its own: server bytes written by hand in, frames out; frames in, bytes
/// parsed back out.
@Suite struct HTTP2ClientCodecTests {
    /// A frame as bytes, for what the server sends and to read what the client sent.
    struct Frame: Equatable {
        var type: UInt8
        var flags: UInt8
        var streamID: Int
        var payload: [UInt8]

        var bytes: ByteBuffer {
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt32(payload.count) << 8 | UInt32(type))
            buffer.writeInteger(flags)
            buffer.writeInteger(UInt32(streamID))
            buffer.writeBytes(payload)
            return buffer
        }

        static func settings(_ pairs: [(UInt16, UInt32)] = []) -> Frame {
            var payload = ByteBuffer()
            for (code, value) in pairs {
                payload.writeInteger(code)
                payload.writeInteger(value)
            }
            return Frame(type: 4, flags: 0, streamID: 0, payload: Array(payload.readableBytesView))
        }

        static func windowUpdate(_ increment: UInt32, on streamID: Int) -> Frame {
            var payload = ByteBuffer()
            payload.writeInteger(increment)
            return Frame(type: 8, flags: 0, streamID: streamID, payload: Array(payload.readableBytesView))
        }
    }

    /// What a promise's callback saw (the embedded loop runs it on the test's thread).
    final class Box<Value>: @unchecked Sendable {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame
        var frames: [HTTP2Frame] = []
        var errors: [any Error] = []
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { frames.append(unwrapInboundIn(data)) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { errors.append(error) }
    }

    let channel = EmbeddedChannel()
    let collector = Collector()

    init() throws {
        let settings = [HTTP2Setting(parameter: .maxFrameSize, value: 16384)]
        try channel.pipeline.syncOperations.addHandler(HTTP2ClientCodec(localSettings: settings))
        try channel.pipeline.syncOperations.addHandler(collector)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Everything the client wrote since the last look, as frames (the preface taken off if there).
    func sent() throws -> [Frame] {
        var bytes = ByteBuffer()
        while var chunk = try channel.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&chunk) }
        if bytes.readableBytesView.starts(with: Self.preface) { bytes.moveReaderIndex(forwardBy: 24) }
        return parse(bytes)
    }

    func parse(_ bytes: ByteBuffer) -> [Frame] {
        var bytes = bytes
        var frames: [Frame] = []
        while bytes.readableBytes >= 9 {
            let header = bytes.readInteger(as: UInt32.self)!
            let flags = bytes.readInteger(as: UInt8.self)!
            let streamID = Int(bytes.readInteger(as: UInt32.self)! & 0x7FFF_FFFF)
            let payload = bytes.readBytes(length: Int(header >> 8))!
            frames.append(Frame(type: UInt8(header & 0xFF), flags: flags, streamID: streamID, payload: payload))
        }
        #expect(bytes.readableBytes == 0, "the client's bytes end mid-frame")
        return frames
    }

    func receive(_ frames: Frame...) throws {
        var bytes = ByteBuffer()
        for frame in frames {
            var one = frame.bytes
            bytes.writeBuffer(&one)
        }
        try channel.writeInbound(bytes)
    }

    /// The server's SETTINGS arrive (and are taken off what the client sent, with the preface).
    func ready(_ pairs: [(UInt16, UInt32)] = []) throws {
        try receive(.settings(pairs))
        channel.pipeline.fireChannelReadComplete()
        _ = try sent()
        collector.frames.removeAll()
    }

    func dataFrame(_ size: Int, streamID: Int, endStream: Bool) -> HTTP2Frame {
        HTTP2Frame(
            streamID: HTTP2StreamID(streamID),
            payload: .data(.init(data: .byteBuffer(ByteBuffer(repeating: 7, count: size)), endStream: endStream)))
    }

    @Test func theClientOpensWithThePrefaceAndSettingsAndAcknowledgesTheServers() throws {
        var bytes = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(bytes.readBytes(length: 24) == Self.preface)
        #expect(parse(bytes) == [Frame.settings([(5, 16384)])])
        try receive(.settings([(3, 100), (4, 1 << 20)]))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent() == [Frame(type: 4, flags: 1, streamID: 0, payload: [])])
        guard case .settings(.settings(let settings)) = collector.frames.first?.payload else {
            Issue.record("no SETTINGS went up: \(collector.frames)")
            return
        }
        #expect(settings.map(\.value) == [100, 1 << 20])
        #expect(settings.first?.parameter == .maxConcurrentStreams)
    }

    @Test func aHeaderBlockOverContinuationFramesWithPaddingAndPriorityIsOneHeadersFrame() throws {
        try ready()
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var block = ByteBuffer()
        try encoder.encode(
            headers: [
                ":status": "200", "content-type": "application/grpc", "x-long": String(repeating: "v", count: 300),
            ],
            to: &block)
        let bytes = Array(block.readableBytesView)
        let first = Array(bytes[0..<100])
        let second = Array(bytes[100..<200])
        let third = Array(bytes[200...])
        // HEADERS with PADDED (3 bytes of padding) and PRIORITY (5 bytes), then two CONTINUATIONs.
        let headers = Frame(
            type: 1, flags: 0x8 | 0x20, streamID: 1, payload: [3] + [0, 0, 0, 0, 16] + first + [0, 0, 0])
        try receive(
            headers, Frame(type: 9, flags: 0, streamID: 1, payload: second),
            Frame(type: 9, flags: 0x4, streamID: 1, payload: third))
        #expect(collector.frames.count == 1)
        guard case .headers(let received) = collector.frames.first?.payload else {
            Issue.record("no HEADERS went up: \(collector.frames)")
            return
        }
        #expect(received.headers.first(name: ":status") == "200")
        #expect(received.headers.first(name: "x-long")?.count == 300)
        #expect(!received.endStream)
    }

    @Test func paddedDataKeepsItsPaddingCountForFlowControl() throws {
        try ready()
        try receive(Frame(type: 0, flags: 0x8 | 0x1, streamID: 3, payload: [4, 1, 2, 3, 0, 0, 0, 0]))
        guard case .data(let data) = collector.frames.first?.payload, case .byteBuffer(let buffer) = data.data else {
            Issue.record("no DATA went up: \(collector.frames)")
            return
        }
        #expect(Array(buffer.readableBytesView) == [1, 2, 3])
        #expect(data.paddingBytes == 4)
        #expect(data.endStream)
    }

    @Test func frameBytesSplitAtEveryBoundaryGiveTheSameFrames() throws {
        try ready()
        var all = ByteBuffer()
        for frame in [
            Frame(type: 0, flags: 0, streamID: 1, payload: Array(repeating: 9, count: 40)),
            Frame(type: 6, flags: 1, streamID: 0, payload: [0, 0, 0, 0, 0, 0, 0, 7]),
            Frame(type: 0, flags: 1, streamID: 1, payload: [1]),
        ] {
            var bytes = frame.bytes
            all.writeBuffer(&bytes)
        }
        for cut in 1..<all.readableBytes {
            collector.frames.removeAll()
            try channel.writeInbound(all.getSlice(at: 0, length: cut)!)
            try channel.writeInbound(all.getSlice(at: cut, length: all.readableBytes - cut)!)
            #expect(collector.frames.count == 3, "split at \(cut)")
        }
    }

    @Test func dataWaitsForTheStreamWindowAndGoesOutAsItOpens() throws {
        try ready([(4, 10)])  // SETTINGS_INITIAL_WINDOW_SIZE 10
        let done = Box<Bool>(false)
        let promise = channel.embeddedEventLoop.makePromise(of: Void.self)
        promise.futureResult.whenSuccess { done.value = true }
        channel.write(dataFrame(25, streamID: 1, endStream: true), promise: promise)
        channel.flush()
        #expect(try sent().map { [$0.payload.count, Int($0.flags)] } == [[10, 0]])
        #expect(!done.value)
        try receive(.windowUpdate(10, on: 1))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent().map { [$0.payload.count, Int($0.flags)] } == [[10, 0]])
        try receive(.windowUpdate(100, on: 1))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent().map { [$0.payload.count, Int($0.flags)] } == [[5, 1]])
        #expect(done.value)
    }

    @Test func dataWaitsForTheConnectionWindowInTurn() throws {
        try ready()
        // 65,535 bytes of connection window: the first stream takes it all in frames of 16,384.
        channel.write(dataFrame(65535, streamID: 1, endStream: false), promise: nil)
        channel.write(dataFrame(100, streamID: 3, endStream: true), promise: nil)
        channel.flush()
        #expect(try sent().map(\.payload.count) == [16384, 16384, 16384, 16383])
        try receive(.windowUpdate(60, on: 0))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent().map { [$0.streamID, $0.payload.count] } == [[3, 60]])
        try receive(.windowUpdate(1000, on: 0))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent().map { [$0.streamID, $0.payload.count, Int($0.flags)] } == [[3, 40, 1]])
    }

    @Test func aHalfCloseGoesOutWhateverTheWindows() throws {
        try ready([(4, 0)])  // no stream window at all
        channel.write(dataFrame(3, streamID: 1, endStream: false), promise: nil)
        channel.write(dataFrame(0, streamID: 1, endStream: true), promise: nil)
        channel.flush()
        #expect(try sent().isEmpty)
        channel.write(dataFrame(0, streamID: 3, endStream: true), promise: nil)
        channel.flush()
        #expect(try sent().map { [$0.streamID, $0.payload.count, Int($0.flags)] } == [[3, 0, 1]])
        try receive(.windowUpdate(3, on: 1))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent().map { [$0.streamID, $0.payload.count, Int($0.flags)] } == [[1, 3, 0], [1, 0, 1]])
    }

    /// Writes `frame` and flushes; the box gets the write's failure, if it fails.
    func writeWatchingFailure(_ frame: HTTP2Frame) -> Box<(any Error)?> {
        let failure = Box<(any Error)?>(nil)
        let promise = channel.embeddedEventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { failure.value = $0 }
        channel.write(frame, promise: promise)
        channel.flush()
        return failure
    }

    @Test func aResetDropsTheStreamsWaitingDataAndFailsItsWrite() throws {
        try ready([(4, 0)])
        let failure = writeWatchingFailure(dataFrame(5, streamID: 1, endStream: true))
        #expect(try sent().isEmpty)
        try receive(Frame(type: 3, flags: 0, streamID: 1, payload: [0, 0, 0, 8]))
        #expect(failure.value is NIOHTTP2Errors.StreamClosed)
        guard case .rstStream(let code) = collector.frames.last?.payload else {
            Issue.record("no RST_STREAM went up")
            return
        }
        #expect(code == .cancel)
        try receive(.windowUpdate(100, on: 1))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent().isEmpty)
    }

    @Test func dataStillWaitingWhenTheServerEndsTheStreamIsDroppedAndTheStreamReset() throws {
        try ready([(4, 4)])
        let failure = writeWatchingFailure(dataFrame(10, streamID: 1, endStream: true))
        #expect(try sent().map(\.payload.count) == [4])
        // Trailers-only, END_STREAM: `:status: 200` (static index 8) is enough of a header block here.
        try receive(Frame(type: 1, flags: 0x4 | 0x1, streamID: 1, payload: [0x88]))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent() == [Frame(type: 3, flags: 0, streamID: 1, payload: [0, 0, 0, 8])])
        #expect(failure.value is NIOHTTP2Errors.StreamClosed)
        guard case .headers(let headers) = collector.frames.last?.payload else {
            Issue.record("the trailers did not go up")
            return
        }
        #expect(headers.endStream)
        try receive(.windowUpdate(100, on: 1))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent().isEmpty)
    }

    @Test func largeHeadersAreSplitAtTheServersFrameSize() throws {
        try ready()
        var headers = HPACKHeaders()
        headers.add(name: ":path", value: "/a.B/C")
        headers.add(name: "x-big", value: String(repeating: "q", count: 40000), indexing: .nonIndexable)
        channel.write(HTTP2Frame(streamID: 1, payload: .headers(.init(headers: headers))), promise: nil)
        channel.flush()
        let frames = try sent()
        #expect(frames.map(\.type) == [1, 9, 9])
        #expect(frames.map { $0.flags & 0x4 } == [0, 0, 4])
        #expect(frames.allSatisfy { $0.payload.count <= 16384 && $0.streamID == 1 })
        var block = ByteBuffer(bytes: frames.flatMap(\.payload))
        var decoder = HPACKDecoder(
            allocator: ByteBufferAllocator(), maxDynamicTableSize: 4096, maxHeaderListSize: 1 << 20)
        #expect(try decoder.decodeHeaders(from: &block).first(name: "x-big")?.count == 40000)
    }

    @Test func aPingIsAnsweredWithItsOwnData() throws {
        try ready()
        try receive(Frame(type: 6, flags: 0, streamID: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8]))
        channel.pipeline.fireChannelReadComplete()
        #expect(try sent() == [Frame(type: 6, flags: 1, streamID: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8])])
        #expect(collector.frames.isEmpty)
    }

    @Test func bytesThatAreNotHTTP2EndTheConnectionWithAGoAwayAndASentence() throws {
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
        let violation = try #require(collector.errors.first as? HTTP2ProtocolViolation)
        #expect(violation.reason == "the server's bytes are not HTTP/2 frames: is it a gRPC (HTTP/2) server?")
        #expect(try sent().last?.type == 7)
        #expect(!channel.isActive)
    }

    @Test func aFrameOverTheLargestSizeIsAFrameSizeError() throws {
        try ready()
        var header = ByteBuffer()
        header.writeInteger(UInt32(20000) << 8)
        header.writeInteger(UInt8(0))
        header.writeInteger(UInt32(1))
        try channel.writeInbound(header)
        let violation = try #require(collector.errors.first as? HTTP2ProtocolViolation)
        #expect(violation.code == .frameSizeError)
        #expect(violation.reason.contains("20000 bytes"))
        let goAway = try #require(try sent().last)
        #expect(goAway.type == 7)
        #expect(Array(goAway.payload[4...]) == [0, 0, 0, 6])
    }

    @Test func aZeroWindowUpdateOnAStreamResetsOnlyThatStream() throws {
        try ready()
        try receive(.windowUpdate(0, on: 5))
        channel.pipeline.fireChannelReadComplete()
        let error = try #require(collector.errors.first as? HTTP2StreamViolation)
        #expect(error.streamID == 5)
        #expect(error.violation.code == .protocolError)
        #expect(try sent() == [Frame(type: 3, flags: 0, streamID: 5, payload: [0, 0, 0, 1])])
        #expect(channel.isActive)
        try receive(.windowUpdate(0, on: 0))
        #expect(collector.errors.last is HTTP2ProtocolViolation)
        #expect(!channel.isActive)
    }

    @Test func aHeaderListOverTheClientsLimitEndsTheConnectionAndSaysSo() throws {
        try ready()
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var block = ByteBuffer()
        try encoder.encode(headers: [":status": "200", "x-big": String(repeating: "q", count: 20000)], to: &block)
        let bytes = Array(block.readableBytesView)
        try receive(
            Frame(type: 1, flags: 0, streamID: 1, payload: Array(bytes[..<10000])),
            Frame(type: 9, flags: 0x4, streamID: 1, payload: Array(bytes[10000...])))
        let violation = try #require(collector.errors.first as? HTTP2ProtocolViolation)
        #expect(violation.code == .protocolError)
        #expect(violation.reason.hasPrefix("the server's header list on stream 1 is over the 16384 bytes"))
        #expect(!channel.isActive)
    }

    @Test func aStrayContinuationOrAnInterruptedHeaderBlockIsAProtocolError() throws {
        try ready()
        try receive(
            Frame(type: 1, flags: 0, streamID: 1, payload: [0x88]), Frame(type: 0, flags: 0, streamID: 1, payload: []))
        let violation = try #require(collector.errors.first as? HTTP2ProtocolViolation)
        #expect(violation.code == .protocolError)
        #expect(violation.reason.contains("interrupted the header block of stream 1"))
    }
}
