import NIOCore
import NIOHPACK
import Testing

@testable import GRPCWire

/// The client's HPACK encoder, read back by NIOHPACK's decoder (a server's view of the same connection):
/// every block must decode to what was meant, call after call, whatever the table did in between.
@Suite struct RequestHeaderEncoderTests {
    static func template(_ path: String, userAgent: String = "reprise-test") -> RequestHeaderTemplate {
        var headers = HPACKHeaders()
        headers.add(name: ":method", value: "POST")
        headers.add(name: ":scheme", value: "http")
        headers.add(name: ":path", value: path)
        headers.add(name: ":authority", value: "127.0.0.1:50051")
        headers.add(name: "content-type", value: "application/grpc")
        headers.add(name: "te", value: "trailers")
        headers.add(name: "user-agent", value: userAgent)
        headers.add(name: "grpc-accept-encoding", value: "gzip")
        return RequestHeaderTemplate(headers)
    }

    /// One connection: the encoder and the server's decoder, kept in step.
    struct Connection {
        var encoder = RequestHeaderEncoder()
        var decoder = HPACKDecoder(allocator: ByteBufferAllocator())

        /// Encodes a request and decodes it as the server would; returns the block's size and its fields.
        mutating func send(
            _ template: RequestHeaderTemplate, compression: String? = nil, timeout: String? = nil,
            metadata: HPACKHeaders? = nil
        ) throws -> (bytes: Int, fields: [String]) {
            var block = ByteBuffer()
            encoder.encode(template, compression: compression, timeout: timeout, metadata: metadata, into: &block)
            let bytes = block.readableBytes
            let decoded = try decoder.decodeHeaders(from: &block)
            #expect(block.readableBytes == 0)
            return (bytes, decoded.map { "\($0.name): \($0.value)" })
        }
    }

    static func expected(_ template: RequestHeaderTemplate, _ extra: [String] = []) -> [String] {
        template.headers.map { "\($0.name): \($0.value)" } + extra
    }

    @Test func aMethodsFieldsAreIndexedFromItsSecondCallAndItsBlockIsReusedAfter() throws {
        var connection = Connection()
        let unary = Self.template("/bench.Echo/Unary")
        let first = try connection.send(unary)
        #expect(first.fields == Self.expected(unary))
        let second = try connection.send(unary)
        #expect(second.fields == Self.expected(unary))
        // Eight fields, each one byte from the static or dynamic table.
        #expect(second.bytes == 8)
        #expect(first.bytes > 60)
        for _ in 0..<5 {
            let again = try connection.send(unary)
            #expect(again == second)
        }
    }

    @Test func anotherMethodShiftsTheTableAndEveryBlockStillDecodes() throws {
        var connection = Connection()
        let paths = (0..<20).map { "/pkg.Service/Method\($0)" }
        let templates = paths.map { Self.template($0) }
        for round in 0..<3 {
            for (index, template) in templates.enumerated() {
                let sent = try connection.send(template, timeout: round == 1 ? "\(index)m" : nil)
                #expect(sent.fields == Self.expected(template, round == 1 ? ["grpc-timeout: \(index)m"] : []))
            }
        }
        // By the third round every method's fields are in the table: one byte each, plus nothing else.
        #expect(try connection.send(templates[3]).bytes == 8)
    }

    @Test func aConstantTimeoutAndTokenAreIndexedWhileBinaryAndNeverIndexedMetadataStayLiterals() throws {
        var connection = Connection()
        let unary = Self.template("/bench.Echo/Unary")
        var metadata = HPACKHeaders()
        metadata.add(name: "x-token", value: "abc")
        metadata.add(name: "authorization", value: "Bearer secret", indexing: .neverIndexed)
        metadata.add(name: "trace-bin", value: "AAEC", indexing: .nonIndexable)
        var sizes: [Int] = []
        for _ in 0..<4 {
            let sent = try connection.send(unary, compression: "gzip", timeout: "5S", metadata: metadata)
            #expect(
                sent.fields
                    == Self.expected(
                        unary,
                        [
                            "grpc-encoding: gzip", "grpc-timeout: 5S", "x-token: abc",
                            "authorization: Bearer secret", "trace-bin: AAEC",
                        ]))
            sizes.append(sent.bytes)
        }
        // From the second call on: the template's 8 bytes, grpc-encoding's, grpc-timeout's and x-token's 1
        // each, and the literals: authorization 16 (its name from the static table, 2 bytes), trace-bin 16.
        #expect(sizes[1] == 8 + 1 + 1 + 1 + 16 + 16)
        #expect(sizes[2] == sizes[1] && sizes[3] == sizes[1])
        // In the table: the template's six fields outside the static table (54 + 57 + 60 + 42 + 54 + 56
        // bytes, RFC 7541 sizes), then grpc-encoding (49), grpc-timeout (46) and x-token (42) in the
        // per-call half; nothing of the rest.
        #expect(connection.encoder.size == 323 + 49 + 46 + 42)
        #expect(connection.encoder.metadataSize == 49 + 46 + 42)
        #expect(try connection.send(unary).bytes == 8)
    }

    @Test func valuesThatChangeEveryCallFillOnlyHalfTheTable() throws {
        var connection = Connection()
        let unary = Self.template("/bench.Echo/Unary")
        for call in 0..<500 {
            let id: HPACKHeaders = ["x-request-id": "request-\(call)"]
            let sent = try connection.send(unary, timeout: "\(1000 + call)m", metadata: id)
            #expect(
                sent.fields == Self.expected(unary, ["grpc-timeout: \(1000 + call)m", "x-request-id: request-\(call)"]))
        }
        #expect(connection.encoder.metadataSize <= RequestHeaderEncoder.defaultTableSize / 2)
        #expect(connection.encoder.metadataSize > RequestHeaderEncoder.defaultTableSize / 2 - 64)
        // The methods' half is still free: a new method's fields are indexed from its second call.
        let other = Self.template("/bench.Echo/Other")
        _ = try connection.send(other)
        #expect(try connection.send(other).bytes == 8)
        // And the request ids are literals now, their name from the table (2 bytes), the value 12.
        let late = try connection.send(unary, metadata: ["x-request-id": "request-999"])
        #expect(late.fields == Self.expected(unary, ["x-request-id: request-999"]))
        #expect(late.bytes == 8 + 2 + 12)
    }

    @Test func whenTheTableIsFullFieldsGoOutAsLiteralsWithoutEvictingAnything() throws {
        var connection = Connection()
        let long = String(repeating: "x", count: 1500)
        let templates = (0..<4).map { Self.template("/pkg.S/M\($0)", userAgent: long + "\($0)") }
        for _ in 0..<3 {
            for template in templates {
                #expect(try connection.send(template).fields == Self.expected(template))
            }
        }
        // The first two methods' user agents filled the 4096 bytes; the later ones' do not fit and stay
        // literals, and nothing of the first is evicted.
        #expect(try connection.send(templates[0]).bytes == 8)
        #expect(try connection.send(templates[3]).bytes > 1500)
    }

    @Test func aSmallerTableFromTheServerIsSignalledAndHonoured() throws {
        var connection = Connection()
        let unary = Self.template("/bench.Echo/Unary")
        _ = try connection.send(unary)
        _ = try connection.send(unary)
        // The server allows no table at all: the next block starts with a size update to 0 and indexes
        // nothing dynamic; the decoder is told the same limit, as a server that sent the SETTINGS would be.
        connection.encoder.setPeerTableSize(0)
        connection.decoder.maxDynamicTableLength = 0
        for _ in 0..<3 {
            let sent = try connection.send(unary)
            #expect(sent.fields == Self.expected(unary))
        }
        #expect(connection.encoder.size == 0)
        // Back to 4096 after 100 and 0 between two blocks: both sizes are signalled, smallest first.
        connection.encoder.setPeerTableSize(100)
        connection.encoder.setPeerTableSize(4096)
        connection.decoder.maxDynamicTableLength = 4096
        var block = ByteBuffer()
        connection.encoder.encode(unary, compression: nil, timeout: nil, metadata: nil, into: &block)
        // A size update to 100 (0x3F 0x45), then to 4096 (0x3F 0xE1 0x1F).
        #expect(Array(block.readableBytesView.prefix(5)) == [0x3F, 0x45, 0x3F, 0xE1, 0x1F])
        #expect(try connection.decoder.decodeHeaders(from: &block).map { $0.name }.count == 8)
        #expect(try connection.send(unary).bytes == 8)
    }

    @Test func integersUseTheirPrefixThenSevenBitGroups() {
        // RFC 7541 C.1: 10 in a 5-bit prefix, 1337 in a 5-bit prefix, 42 in an 8-bit prefix.
        var buffer = ByteBuffer()
        RequestHeaderEncoder.appendInteger(10, prefixBits: 5, flags: 0, into: &buffer)
        RequestHeaderEncoder.appendInteger(1337, prefixBits: 5, flags: 0, into: &buffer)
        RequestHeaderEncoder.appendInteger(42, prefixBits: 8, flags: 0, into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0x0A, 0x1F, 0x9A, 0x0A, 0x2A])
    }
}
