import GRPCProtocol
import NIOCore
import Testing

@testable import GRPCWire

/// Length-prefixed messages, compression and grpc-timeout, without any connection.
@Suite struct FramingTests {
    private func framed(_ payloads: [[UInt8]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for payload in payloads {
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(UInt32(payload.count))
            buffer.writeBytes(payload)
        }
        return buffer
    }

    private func drain(_ deframer: inout MessageDeframer) throws -> [[UInt8]] {
        var messages: [[UInt8]] = []
        while let message = try deframer.next() { messages.append(Array(message.payload.readableBytesView)) }
        return messages
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64])
    func messageSplitAcrossFramesIsReassembled(chunk: Int) throws {
        let wire = framed([Array(repeating: 9, count: 40), [1, 2, 3]])
        var deframer = MessageDeframer(maxMessageSize: 1000)
        var messages: [[UInt8]] = []
        var offset = 0
        while offset < wire.readableBytes {
            let length = min(chunk, wire.readableBytes - offset)
            deframer.append(wire.getSlice(at: offset, length: length)!)
            messages += try drain(&deframer)
            offset += length
        }
        #expect(messages == [Array(repeating: 9, count: 40), [1, 2, 3]])
        #expect(!deframer.hasPartialMessage)
    }

    @Test func severalMessagesInOneFrameComeOutInOrderIncludingEmptyOnes() throws {
        var deframer = MessageDeframer(maxMessageSize: 10)
        deframer.append(framed([[1], [], [2, 2]]))
        #expect(try drain(&deframer) == [[1], [], [2, 2]])
    }

    @Test func oversizedMessageIsRejectedFromItsPrefixBeforeThePayloadArrives() {
        var deframer = MessageDeframer(maxMessageSize: 4_194_304)
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt8(0))
        prefix.writeInteger(UInt32(5_000_000))
        deframer.append(prefix)
        #expect {
            try deframer.next()
        } throws: { error in
            let status = error as? GRPCStatus
            return status?.code == .resourceExhausted
                && status?.message == "grpc: received message larger than max (5000000 vs. 4194304)"
        }
    }

    @Test func unknownFlagIsAnInternalError() {
        var deframer = MessageDeframer(maxMessageSize: 10)
        deframer.append(ByteBuffer(bytes: [2, 0, 0, 0, 0]))
        #expect(throws: GRPCStatus.self) { try deframer.next() }
    }

    @Test(arguments: CompressionAlgorithm.all)
    func compressedMessagesRoundTrip(algorithm: CompressionAlgorithm) throws {
        let cache = CompressionCache()
        let original = ByteBuffer(string: String(repeating: "compress me ", count: 1000))
        for _ in 0..<3 {  // the zlib streams are reused: each round must start clean
            let wire = try MessageFramer.frame(
                original, compressor: cache.compressor(algorithm), maxSize: .max, allocator: ByteBufferAllocator())
            #expect(wire.readableBytes < original.readableBytes / 10)
            var deframer = MessageDeframer(maxMessageSize: 1 << 20)
            deframer.append(wire)
            let message = try #require(try deframer.next())
            #expect(message.isCompressed)
            let decoded = try message.decodedPayload(
                encoding: algorithm, cache: cache, limit: 1 << 20, allocator: ByteBufferAllocator())
            #expect(decoded == original)
        }
    }

    @Test(arguments: CompressionAlgorithm.all)
    func decompressionStopsAtTheReceiveLimit(algorithm: CompressionAlgorithm) throws {
        let cache = CompressionCache()
        // 8 MB of zeros compress to a few kB: a small message that would explode.
        let bomb = ByteBuffer(repeating: 0, count: 8 << 20)
        let wire = try MessageFramer.frame(
            bomb, compressor: cache.compressor(algorithm), maxSize: .max, allocator: ByteBufferAllocator())
        #expect(wire.readableBytes < 64 << 10)
        var deframer = MessageDeframer(maxMessageSize: 1 << 20)
        deframer.append(wire)
        let message = try #require(try deframer.next())
        #expect {
            try message.decodedPayload(
                encoding: algorithm, cache: cache, limit: 1 << 20, allocator: ByteBufferAllocator())
        } throws: { error in
            (error as? GRPCStatus)?.code == .resourceExhausted
        }
    }

    @Test func compressedFlagWithoutEncodingOrWithCorruptDataIsInternal() throws {
        let cache = CompressionCache()
        let message = MessageDeframer.Message(isCompressed: true, payload: ByteBuffer(bytes: [1, 2, 3]))
        for encoding in [nil, CompressionAlgorithm.gzip] {
            #expect {
                try message.decodedPayload(
                    encoding: encoding, cache: cache, limit: 100, allocator: ByteBufferAllocator())
            } throws: { error in
                (error as? GRPCStatus)?.code == .internalError
            }
        }
    }

    @Test func sendingOverTheLimitIsResourceExhausted() {
        #expect {
            try MessageFramer.frame(
                ByteBuffer(bytes: [1, 2, 3]), compressor: nil, maxSize: 2, allocator: ByteBufferAllocator())
        } throws: { error in
            (error as? GRPCStatus)?.message == "trying to send message larger than max (3 vs. 2)"
        }
    }

    @Test(arguments: [
        (TimeAmount.nanoseconds(5), "5n"), (.milliseconds(1), "1000u"), (.seconds(1), "1000m"),
        (.minutes(2), "120000m"), (.nanoseconds(119_999_999_001), "120000m"), (.hours(30), "1800M"),
        (.hours(2_000_000), "2000000H"), (.nanoseconds(1_500), "1500n"),
    ])
    func timeoutsAreRoundedUpToAStableCoarseUnit(timeout: TimeAmount, header: String) {
        #expect(GRPCTimeout.encode(timeout) == header)
    }

    @Test(
        arguments: [
            ("10S", TimeAmount.seconds(10)), ("1H", .hours(1)), ("250m", .milliseconds(250)),
            ("7u", .microseconds(7)), ("3M", .minutes(3)), ("0n", .nanoseconds(0)),
        ] as [(String, TimeAmount)])
    func timeoutHeadersDecode(header: String, timeout: TimeAmount) {
        #expect(GRPCTimeout.decode(header) == timeout)
    }

    @Test(arguments: ["", "S", "10", "10s", "123456789S", "-1S", "1.5S"])
    func malformedTimeoutHeadersAreRejected(header: String) {
        #expect(GRPCTimeout.decode(header) == nil)
    }
}
