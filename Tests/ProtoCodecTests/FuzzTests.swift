import Foundation
import ProtoCodec
import TestSupport
import Testing

/// Seeded mutation fuzzing: malformed binary and JSON must give a ``CodecError`` (or a message), never a
/// crash, a hang, or a huge allocation. Deterministic for a seed (`REPRISE_FUZZ_SEED` changes it).
@Suite struct FuzzTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["REPRISE_FUZZ_SEED"] ?? "") ?? 0x5EED_C0DE
    static let iterations = Int(ProcessInfo.processInfo.environment["REPRISE_FUZZ_ITERATIONS"] ?? "") ?? 1500

    static let samples: [(type: String, json: String)] = [
        (
            "reprise.codec.p3.Scalars",
            #"{"fDouble":1.5,"fFloat":-2,"fInt64":"-5","fUint64":"7","fInt32":-1,"fFixed64":"9","fFixed32":3,"fBool":true,"fString":"héllo","fBytes":"AQID","fUint32":4,"fEnum":"COLOR_RED","fSfixed32":-8,"fSfixed64":"-9","fSint32":-10,"fSint64":"-11","fMessage":{"fString":"inner","fMessage":{"fInt32":1}}}"#
        ),
        (
            "reprise.codec.p3.Repeated",
            #"{"rDouble":[1,2],"rInt64":["1","-1"],"rString":["a","bc"],"rBytes":["AA=="],"rEnum":[1,2,5],"rSint32":[-1,1],"rMessage":[{"fInt32":1},{}],"expandedInt32":[1,2,3],"expandedEnum":[2]}"#
        ),
        (
            "reprise.codec.p3.Maps",
            #"{"int32ToString":{"1":"a","-2":"b"},"stringToMaps":{"x":{"boolToString":{"true":"t"}}},"fixed64ToMessage":{"5":{"fBool":true}}}"#
        ),
        (
            "reprise.codec.p3.Tree",
            #"{"label":"root","left":{"label":"l","children":[{"label":"c"}]},"named":{"n":{"inner":{"depth":2}}}}"#
        ),
        ("reprise.codec.p2.Groups", #"{"single":{"a":1,"b":"x"},"multi":[{"c":"5","nested":{"after":1}}],"after":2}"#),
        ("reprise.codec.p2.ClosedEnums", #"{"single":"HIGH","expanded":["LOW","MID"],"packed":["HIGH","LOW"]}"#),
        (
            "reprise.codec.p2.Extendable",
            #"{"base":1,"[reprise.codec.p2.ext_int32]":5,"[reprise.codec.p2.ext_packed]":[1,2],"[reprise.codec.p2.extgroup]":{"g":3}}"#
        ),
        (
            "reprise.codec.wkt.Known",
            #"{"any":{"@type":"type.googleapis.com/reprise.codec.wkt.Payload","note":"n"},"timestamp":"2024-01-01T00:00:00.5Z","duration":"-1.5s","fieldMask":"a.bC","struct":{"k":[1,{"z":null}]},"int64Value":"3","stringValue":"s"}"#
        ),
        (
            "reprise.codec.ed.Features",
            #"{"requiredInt":1,"delimitedChild":{"requiredInt":2},"closedList":["CLOSED_TWO"],"kText":"t"}"#
        ),
    ]

    static func corpus() throws -> [[UInt8]] {
        try samples.map { try CodecFixtures.message($0.type, $0.json).serializedBytes() }
    }

    static func mutate(_ input: [UInt8], _ random: inout SeededGenerator, corpus: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 3 where !bytes.isEmpty: bytes.remove(at: position)
            case 4: bytes = Array(bytes.prefix(position))
            case 5: bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], at: position)  // a huge length
            case 6:
                let other = corpus[Int.random(in: 0..<corpus.count, using: &random)]
                bytes = Array(bytes.prefix(position)) + other.suffix(Int.random(in: 0...other.count, using: &random))
            default:
                let end = min(bytes.count, position + Int.random(in: 1...8, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return bytes
    }

    @Test func mutatedBinaryNeverCrashesAnyDecoder() throws {
        let corpus = try Self.corpus()
        let types = try Self.samples.map { try CodecFixtures.type($0.type) }
        var random = SeededGenerator(seed: Self.seed)
        var decoded = 0
        var rejected = 0
        for _ in 0..<Self.iterations {
            let input = Self.mutate(corpus[Int.random(in: 0..<corpus.count, using: &random)], &random, corpus: corpus)
            for type in types {
                do {
                    let message = try DynamicMessage(
                        type: type, serializedBytes: input, options: .with { $0.allowPartial = true })
                    decoded += 1
                    let again = try message.serializedBytes(options: .with { $0.allowPartial = true })
                    let reread = try DynamicMessage(
                        type: type, serializedBytes: again, options: .with { $0.allowPartial = true })
                    #expect(reread == message, "re-encoding changed a decoded message: \(input.hex)")
                    _ = try? message.jsonUTF8Bytes()
                } catch {
                    rejected += 1
                }
            }
            _ = try? RawMessage(serializedBytes: input)
        }
        #expect(decoded > 0 && rejected > 0)
    }

    @Test func mutatedJSONNeverCrashesTheReader() throws {
        var random = SeededGenerator(seed: Self.seed ^ 0xA5A5)
        let texts = Self.samples.map { Array($0.json.utf8) }
        let corpus = texts
        for _ in 0..<Self.iterations {
            let which = Int.random(in: 0..<texts.count, using: &random)
            let input = Self.mutate(texts[which], &random, corpus: corpus)
            let type = try CodecFixtures.type(Self.samples[which].type)
            if let message = try? DynamicMessage(
                type: type, jsonUTF8Bytes: input, options: .with { $0.allowPartial = true })
            {
                _ = try? message.jsonUTF8Bytes()
                _ = try? message.serializedBytes(options: .with { $0.allowPartial = true })
            }
            _ = try? JSONValue(parsing: input)
        }
    }

    @Test func hugeLengthPrefixesFailBeforeAllocating() throws {
        let type = try CodecFixtures.type("reprise.codec.p3.Repeated")
        // A packed run and a bytes field claiming ~34 GB with only a few bytes present.
        for hex in ["2a ffffffff7f 01", "52 ffffffff7f 00", "8a01 ffffffff7f 00"] {
            let error = try #require(throws: CodecError.self) {
                try DynamicMessage(type: type, serializedBytes: [UInt8](hex: hex))
            }
            #expect(error.code == .truncated)
        }
    }
}
