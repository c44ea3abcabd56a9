import Foundation
import TestSupport
import Testing

@testable import ProtoCodec

/// JSON written straight from binary (``DynamicMessage/appendJSONUTF8Bytes(transcoding:of:to:options:decoding:)``)
/// must be byte for byte what decoding a ``DynamicMessage`` and writing it gives, or the same error, for
/// every input and option; the one-pass path must actually be taken for messages in the usual shape.
@Suite struct TranscodedJSONTests {
    static let optionSets: [(String, JSONEncodingOptions)] = [
        ("defaults", .default),
        ("omitted", .with { $0.unpopulated = .omitted }),
        ("without presence", .with { $0.unpopulated = .emittedWithoutPresence }),
        (
            "proto names, enum numbers",
            .with {
                $0.useProtoNames = true
                $0.enumsAsNumbers = true
            }
        ),
        (
            "pretty",
            .with {
                $0.pretty = true
                $0.unpopulated = .omitted
            }
        ),
        ("shallow", .with { $0.recursionLimit = 1 }),
    ]

    /// The two paths' answers for `bytes`: JSON text, or the error's description.
    static func both(_ bytes: [UInt8], _ type: MessageType, _ options: JSONEncodingOptions) -> (String, String) {
        let prefix = Array("prefix:".utf8)
        var transcoded = prefix
        let fast: String
        do {
            try bytes.withUnsafeBytes {
                try DynamicMessage.appendJSONUTF8Bytes(transcoding: $0, of: type, to: &transcoded, options: options)
            }
            fast = String(decoding: transcoded, as: UTF8.self)
        } catch {
            fast = "error: \(error)"
        }
        var decoded = prefix
        let slow: String
        do {
            try DynamicMessage(type: type, serializedBytes: bytes).appendJSONUTF8Bytes(to: &decoded, options: options)
            slow = String(decoding: decoded, as: UTF8.self)
        } catch {
            slow = "error: \(error)"
        }
        return (fast, slow)
    }

    /// Whether the one-pass path writes `bytes` of `type` by itself.
    static func takesOnePass(_ bytes: [UInt8], _ type: MessageType, _ options: JSONEncodingOptions = .default) -> Bool {
        bytes.withUnsafeBytes {
            var transcoder = BinaryJSONTranscoder($0, decoding: .default, options: options)
            return transcoder.transcode(type.layout, depth: 0)
        }
    }

    @Test func everySampleWritesTheSameJSONWithEveryOption() throws {
        for sample in FuzzTests.samples {
            let type = try CodecFixtures.type(sample.type)
            let bytes = try CodecFixtures.message(sample.type, sample.json).serializedBytes()
            for (name, options) in Self.optionSets {
                let (fast, slow) = Self.both(bytes, type, options)
                #expect(fast == slow, "\(sample.type) with \(name)")
            }
        }
    }

    @Test func messagesInTheUsualShapeTakeTheOnePassPathAndTheRestDoNot() throws {
        func shape(_ name: String) throws -> Bool {
            let sample = try #require(FuzzTests.samples.first { $0.type == name })
            return Self.takesOnePass(
                try CodecFixtures.message(sample.type, sample.json).serializedBytes(), try CodecFixtures.type(name))
        }
        #expect(try shape("reprise.codec.p3.Scalars"))
        #expect(try shape("reprise.codec.p3.Repeated"))
        // Nested and repeated messages without the map member.
        let tree = try CodecFixtures.type("reprise.codec.p3.Tree")
        #expect(
            Self.takesOnePass(
                try CodecFixtures.message(
                    "reprise.codec.p3.Tree", #"{"label":"root","left":{"label":"l","children":[{"label":"c"},{}]}}"#
                ).serializedBytes(), tree))
        #expect(try !shape("reprise.codec.p3.Tree"))  // its sample fills the map
        #expect(try !shape("reprise.codec.p3.Maps"))
        #expect(try !shape("reprise.codec.p2.Groups"))
        #expect(try !shape("reprise.codec.p2.Extendable"))
        #expect(try !shape("reprise.codec.wkt.Known"))
    }

    @Test func fieldsOutOfOrderTwiceOrZeroOnTheWireGiveWhatTheDecoderGives() throws {
        let type = try CodecFixtures.type("reprise.codec.p3.Scalars")
        let inOrder = try CodecFixtures.message(
            "reprise.codec.p3.Scalars", #"{"fInt32":-1,"fString":"a\"b\n","fBytes":"AQID"}"#
        ).serializedBytes()
        #expect(Self.takesOnePass(inOrder, type))
        // The same fields each written again (the last one wins), reversed (slot order broken), and an
        // explicit zero for a field without presence (left unset by the decoder).
        let cases: [(String, [UInt8])] = [
            ("twice", inOrder + inOrder),
            ("reversed", Self.reversedFields(inOrder)),
            ("zero int32", [0x28, 0x00] + inOrder),
            ("empty string", inOrder + [0x4A, 0x00]),
            ("unknown field", inOrder + [0xF8, 0x3E, 0x01]),
            ("invalid UTF-8", [0x4A, 0x02, 0xC3, 0x28]),
            ("truncated", Array(inOrder.dropLast())),
        ]
        for (name, bytes) in cases {
            for (optionName, options) in Self.optionSets {
                let (fast, slow) = Self.both(bytes, type, options)
                #expect(fast == slow, "\(name) with \(optionName): \(bytes.hex)")
            }
        }
    }

    @Test func mutatedBinaryGivesTheSameJSONOrTheSameErrorBothWays() throws {
        let corpus = try FuzzTests.corpus()
        let types = try FuzzTests.samples.map { try CodecFixtures.type($0.type) }
        var random = SeededGenerator(seed: FuzzTests.seed ^ 0x7A7A)
        var onePass = 0
        var written = 0
        for iteration in 0..<FuzzTests.iterations {
            let input = FuzzTests.mutate(
                corpus[Int.random(in: 0..<corpus.count, using: &random)], &random, corpus: corpus)
            let (_, options) = Self.optionSets[iteration % Self.optionSets.count]
            for type in types {
                let (fast, slow) = Self.both(input, type, options)
                #expect(fast == slow, "\(type.fullName): \(input.hex)")
                if !slow.hasPrefix("error:") { written += 1 }
                if Self.takesOnePass(input, type, options) { onePass += 1 }
            }
        }
        #expect(onePass > 0 && written > onePass, "one pass \(onePass) of \(written) written")
    }

    /// The top-level fields of `bytes` in reverse order (each field's key and value kept whole).
    static func reversedFields(_ bytes: [UInt8]) -> [UInt8] {
        var fields: [[UInt8]] = []
        var position = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while position < bytes.count {
            let start = position
            let key = varint()
            switch key & 7 {
            case 0: _ = varint()
            case 1: position += 8
            case 5: position += 4
            default: position += Int(varint())
            }
            fields.append(Array(bytes[start..<position]))
        }
        return fields.reversed().flatMap { $0 }
    }
}
