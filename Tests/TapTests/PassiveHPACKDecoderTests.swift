import GRPCProtocol
import NIOCore
import NIOHPACK
import Testing

@testable import Tap

/// The tap's own HPACK decoder, checked against NIOHPACK's encoder and decoder on the same blocks, against
/// RFC 7541's own example, when it starts mid-connection, and on broken blocks.
@Suite struct PassiveHPACKDecoderTests {
    /// A small deterministic generator (xorshift64*), so a failure repeats.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 2_685_821_657_736_338_717) >> 33) % bound
        }
    }

    /// Random header lists: names from the static table and custom ones, values often repeated (so the
    /// dynamic table is used and evicts), every indexing kind, some long enough to fill the table alone.
    static func headerLists(seed: UInt64, count: Int, longValues: Bool = true) -> [HPACKHeaders] {
        var random = Generator(state: seed)
        let names = [
            ":path", ":authority", "content-type", "user-agent", "grpc-timeout", "x-a", "x-b-bin", "te", "grpc-status",
            "grpc-message", ":status",
        ]
        var values: [String] = []
        for _ in 0..<24 {
            let length = longValues && random.next(8) == 0 ? 300 + random.next(5000) : random.next(40)
            values.append(String((0..<length).map { _ in Character(UnicodeScalar(32 + random.next(95))!) }))
        }
        return (0..<count).map { _ in
            var headers = HPACKHeaders()
            for _ in 0..<(1 + random.next(10)) {
                let indexing: HPACKIndexing = [.indexable, .indexable, .nonIndexable, .neverIndexed][random.next(4)]
                headers.add(
                    name: names[random.next(names.count)], value: values[random.next(values.count)], indexing: indexing)
            }
            return headers
        }
    }

    /// Encodes `lists` as header blocks (table size updates between some of them when `resizing`).
    static func blocks(_ lists: [HPACKHeaders], huffman: Bool, resizing: Bool, seed: UInt64) throws -> [ByteBuffer] {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator(), useHuffmanEncoding: huffman)
        var random = Generator(state: seed)
        return try lists.map { headers in
            if resizing, random.next(5) == 0 {
                try encoder.setDynamicTableSize([0, 100, 256, 1024, 4096][random.next(5)])
            }
            var block = ByteBuffer()
            try encoder.encode(headers: headers, to: &block)
            return block
        }
    }

    static func decode(_ block: ByteBuffer, with decoder: inout PassiveHPACKDecoder) throws -> (
        fields: [HeaderField], unknown: Int
    ) {
        // Through the recent-block cache, as the tap decodes.
        let (fields, unknown) = try block.withUnsafeReadableBytes { try decoder.decode($0) }
        // Whichever way a name came (static entry, dynamic entry, literal), its kind is the name's.
        for field in fields { #expect(field.known == KnownHeader(field.name), "\(field.name)") }
        return (fields, unknown)
    }

    @Test(arguments: [(true, false), (false, false), (true, true), (false, true)])
    func decodesWhatNIOHPACKEncodesExactlyAsNIOHPACKDecodesIt(huffman: Bool, resizing: Bool) throws {
        let lists = Self.headerLists(seed: 42, count: 400)
        let blocks = try Self.blocks(lists, huffman: huffman, resizing: resizing, seed: 7)
        var reference = HPACKDecoder(allocator: ByteBufferAllocator())
        var decoder = PassiveHPACKDecoder()
        for (index, block) in blocks.enumerated() {
            var copy = block
            let expected = try reference.decodeHeaders(from: &copy).map { "\($0.name): \($0.value)" }
            let got = try Self.decode(block, with: &decoder)
            #expect(got.unknown == 0)
            #expect(got.fields.map { "\($0.name): \($0.value)" } == expected, "block \(index)")
            #expect(expected == lists[index].map { "\($0.name): \($0.value)" })
        }
    }

    /// Blocks that repeat, as a client's do once its fields are indexed, between blocks that change the
    /// table (and size updates): each decodes as NIOHPACK decodes it, never as the table was when the same
    /// bytes came before.
    @Test(arguments: [false, true])
    func repeatedBlocksDecodeAsTheTableIsNow(resizing: Bool) throws {
        let pool = Self.headerLists(seed: 5, count: 6, longValues: false)
        var random = Generator(state: 11)
        let lists = (0..<600).map { _ in pool[random.next(pool.count)] }
        let blocks = try Self.blocks(lists, huffman: true, resizing: resizing, seed: 3)
        var reference = HPACKDecoder(allocator: ByteBufferAllocator())
        var decoder = PassiveHPACKDecoder()
        var repeats = 0
        var seen = Set<[UInt8]>()
        for (index, block) in blocks.enumerated() {
            if !seen.insert(Array(block.readableBytesView)).inserted { repeats += 1 }
            var copy = block
            let expected = try reference.decodeHeaders(from: &copy).map { "\($0.name): \($0.value)" }
            let got = try Self.decode(block, with: &decoder)
            #expect(got.fields.map { "\($0.name): \($0.value)" } == expected, "block \(index)")
        }
        #expect(repeats > 100)
    }

    /// The same bytes after an insertion name another entry: the block decodes to the new one.
    @Test func aCachedBlockIsForgottenWhenTheTableChanges() throws {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator(), useHuffmanEncoding: false)
        func block(_ value: String) throws -> ByteBuffer {
            var headers = HPACKHeaders()
            headers.add(name: "x-a", value: value, indexing: .indexable)
            var block = ByteBuffer()
            try encoder.encode(headers: headers, to: &block)
            return block
        }
        var decoder = PassiveHPACKDecoder()
        _ = try Self.decode(try block("one"), with: &decoder)  // inserts x-a: one
        let indexedOne = try block("one")
        #expect(Array(indexedOne.readableBytesView) == [0xBE])
        #expect(try Self.decode(indexedOne, with: &decoder).fields.map(\.value) == ["one"])
        #expect(try Self.decode(indexedOne, with: &decoder).fields.map(\.value) == ["one"])
        #expect(decoder.recentBlocksHeld == 1)
        _ = try Self.decode(try block("two"), with: &decoder)  // inserts x-a: two, now index 62
        #expect(decoder.recentBlocksHeld == 0)
        let indexedTwo = try block("two")
        #expect(Array(indexedTwo.readableBytesView) == [0xBE])
        #expect(try Self.decode(indexedTwo, with: &decoder).fields.map(\.value) == ["two"])
    }

    @Test func decodesRFC7541sRequestExampleWithHuffman() throws {
        // RFC 7541 C.4.1: the first request of the Huffman-coded examples.
        let bytes: [UInt8] = [
            0x82, 0x86, 0x84, 0x41, 0x8C, 0xF1, 0xE3, 0xC2, 0xE5, 0xF2, 0x3A, 0x6B, 0xA0, 0xAB, 0x90, 0xF4, 0xFF,
        ]
        var decoder = PassiveHPACKDecoder()
        let got = try Self.decode(ByteBuffer(bytes: bytes), with: &decoder)
        #expect(
            got.fields.map { "\($0.name): \($0.value)" }
                == [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"])
        #expect(decoder.dynamicEntries == 1)
    }

    /// Started after some blocks went by, it decodes every field the insertions it saw define, counts the
    /// others, and never gets one wrong: what it gives is the true list with exactly `unknown` left out.
    @Test func aDecoderStartedMidConnectionDecodesWhatItCanAndCountsTheRest() throws {
        let lists = Self.headerLists(seed: 9, count: 300, longValues: false)
        let blocks = try Self.blocks(lists, huffman: true, resizing: false, seed: 1)
        var decoder = PassiveHPACKDecoder(knowsEarlierEntries: false)
        var unknownSeen = 0
        var fieldsDecoded = 0
        for (index, block) in blocks.enumerated().dropFirst(50) {
            let truth = lists[index].map { "\($0.name): \($0.value)" }
            let got = try Self.decode(block, with: &decoder)
            #expect(got.fields.count + got.unknown == truth.count, "block \(index)")
            var rest = truth[...]
            for field in got.fields.map({ "\($0.name): \($0.value)" }) {
                guard let at = rest.firstIndex(of: field) else {
                    Issue.record("block \(index): \(field) is not among the fields left: \(rest)")
                    break
                }
                rest = rest[(at + 1)...]
            }
            unknownSeen += got.unknown
            fieldsDecoded += got.fields.count
        }
        #expect(unknownSeen > 0)
        // Entries from before it started stay unknown for as long as the encoder keeps referring to them.
        #expect(fieldsDecoded > 0)
    }

    @Test func brokenBlocksAreErrorsThatSayWhatIsWrong() throws {
        let cases: [([UInt8], String)] = [
            ([0xC9], "index 73 is past the end of the table (0 dynamic entries)"),
            ([0x80], "an indexed field with index 0"),
            ([0xFF], "the block ends inside an integer"),
            ([0x40, 0x85, 0x61], "a string of 5 bytes runs past the end of the block"),
            ([0x3F, 0xC2, 0x1F], "a table size update to 4065 bytes, over the 4064 allowed"),
            ([0x82, 0x20], "a table size update after a header field"),
            ([0x40, 0x81, 0x00, 0x80], "a Huffman string's padding is not end-of-string"),
        ]
        for (bytes, message) in cases {
            var decoder = PassiveHPACKDecoder()
            decoder.maxDynamicTableLength = 4064
            let error = #expect(throws: HPACKReadError.self) {
                try Self.decode(ByteBuffer(bytes: bytes), with: &decoder)
            }
            #expect(error?.description == message, "\(bytes)")
        }
    }

    /// A header block that inserts one 4 KB field and then names it `references` times, a byte each: the
    /// small block that decodes to a huge list.
    static func repeatedFieldBlock(references: Int) -> ByteBuffer {
        var block = ByteBuffer(bytes: [0x40, 3] + Array("x-a".utf8))
        // The value's length, 4000, as an HPACK integer with a 7-bit prefix: 127, then 3873 in 7-bit groups.
        block.writeBytes([0x7F, 0xA1, 0x1E])
        block.writeRepeatingByte(UInt8(ascii: "a"), count: 4000)
        // Index 62 is the newest dynamic entry.
        block.writeRepeatingByte(0xBE, count: references - 1)
        return block
    }

    /// Each field counts 3 + 4000 + 32 = 4035 bytes: 4157 of them fit in 16 MiB, 4158 do not.
    @Test func aHeaderListIsDecodedUpToSixteenMiBAndRefusedPastIt() throws {
        var decoder = PassiveHPACKDecoder()
        let within = try Self.decode(Self.repeatedFieldBlock(references: 4157), with: &decoder)
        #expect(within.fields.count == 4157)
        #expect(within.fields.allSatisfy { $0.name == "x-a" && $0.value.utf8.count == 4000 })

        var fields = [HeaderField("kept", "from before")]
        let block = Self.repeatedFieldBlock(references: 4158)
        let error = #expect(throws: HPACKReadError.self) {
            _ = try block.withUnsafeReadableBytes { try decoder.decode($0, into: &fields) }
        }
        #expect(
            error?.description
                == "the header list decodes to more than 16777216 bytes (name + value + 32 per field), past what "
                + "the tap decodes")
        // The fields of the refused block are dropped; what the caller had stays.
        #expect(fields.count == 1 && fields.first?.name == "kept")
    }
}
