import Foundation
import SwiftProtobuf
import TestSupport
import Testing

@testable import ProtoSchema

/// Whatever the bytes, compiling gives descriptors or a `SchemaError`: never a crash, a hang or
/// another error. Mutations of the corpus are seeded, so a failure reproduces.
@Suite struct ProtoFuzzTests {
    /// The corpus in memory, by import name (constructs and the broken files share one namespace).
    static let sources: [String: [UInt8]] = {
        var sources: [String: [UInt8]] = [:]
        for entry in ProtoCorpus.reprise + ProtoCorpus.broken {
            guard let root = entry.root, let data = FileManager.default.contents(atPath: "\(root)/\(entry.name)")
            else { continue }
            sources[entry.name] = [UInt8](data)
        }
        return sources
    }()

    /// Compiles `name` from `files` and checks the outcome is a result or a `SchemaError`.
    @discardableResult
    static func compileNeverCrashes(_ name: String, _ files: [String: [UInt8]]) -> Bool {
        let loader = ProtoLoader(
            importPaths: ["/"], baseDirectory: "/", readFile: { path in files[String(path.dropFirst())] })
        do {
            let protos = try loader.load([name])
            var set = Google_Protobuf_FileDescriptorSet()
            set.file = protos
            _ = try set.serializedBytes() as [UInt8]
            _ = try? DescriptorPool(files: protos)
            return true
        } catch is SchemaError {
            return false
        } catch {
            Issue.record("\(name): unexpected error \(error)")
            return false
        }
    }

    static let fragments: [[UInt8]] = [
        Array("{".utf8), Array("}".utf8), Array(";".utf8), Array("[".utf8), Array("]".utf8), Array("\"".utf8),
        Array("/*".utf8), Array("*/".utf8), Array("//".utf8), Array("message M {".utf8), Array("option (".utf8),
        Array(" = 99999999999999999999999 ".utf8), Array("0x".utf8), Array("-".utf8), Array(".".utf8),
        Array("map<".utf8), Array("group G = 1 {".utf8), Array("extend ".utf8), Array("max".utf8),
        Array("\\".utf8), [0xFF], [0xC3], [0x00], [0x80, 0x80], Array("inf".utf8), Array("1e".utf8),
        Array("edition = \"2023\";".utf8), Array("import \"".utf8), Array("reserved ".utf8),
    ]

    /// Gentle mutations (a letter or digit replaced by another, which often still compiles) or
    /// hostile ones: byte flips, insertions of syntax fragments and invalid UTF-8, deletions and
    /// duplications.
    static func mutate(_ input: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        if random.below(2) == 0 {
            for _ in 0..<(1 + random.below(3)) {
                let at = random.below(bytes.count)
                guard at < bytes.count else { break }
                if Lexer.isLetter(bytes[at]) {
                    bytes[at] = UInt8(ascii: "a") + UInt8(random.below(26))
                } else if Lexer.isDigit(bytes[at]) {
                    bytes[at] = UInt8(ascii: "0") + UInt8(random.below(10))
                }
            }
            return bytes
        }
        for _ in 0..<(1 + random.below(3)) {
            let at = random.below(bytes.count + 1)
            switch random.below(5) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 1:
                bytes.insert(contentsOf: fragments[random.below(fragments.count)], at: at)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, at + random.below(40))
                bytes.removeSubrange(min(at, end)..<end)
            case 3 where at < bytes.count:
                let end = min(bytes.count, at + random.below(60))
                bytes.insert(contentsOf: bytes[at..<end], at: random.below(bytes.count + 1))
            default:
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            }
        }
        return bytes
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func mutatedCorpusFilesGiveResultsOrSchemaErrors(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let valid = ProtoCorpus.reprise.map(\.name)
        let broken = ProtoCorpus.broken.map(\.name)
        var compiled = 0
        for _ in 0..<300 {
            let name = random.below(5) == 0 ? broken[random.below(broken.count)] : valid[random.below(valid.count)]
            var files = Self.sources
            files[name] = Self.mutate(Self.sources[name] ?? [], &random)
            if Self.compileNeverCrashes(name, files) { compiled += 1 }
        }
        // Some mutants must still compile, or the fuzzing only exercises the first error paths.
        #expect(compiled > 10, "only \(compiled) of 300 mutants compiled")
    }

    static let hostile: [(String, [UInt8])] = [
        ("deeply nested messages", Array(String(repeating: "message M {", count: 20_000).utf8)),
        (
            "deeply nested groups",
            Array(
                ("syntax = \"proto2\"; message M {" + String(repeating: "optional group G = 1 {", count: 20_000)).utf8)
        ),
        (
            "deeply nested aggregate",
            Array(
                ("syntax = \"proto2\"; import \"google/protobuf/descriptor.proto\"; message O { optional O o = 1; } extend google.protobuf.FileOptions { optional O opt = 50000; } option (opt) = {"
                    + String(repeating: "o {", count: 5_000) + String(repeating: "}", count: 5_001) + ";").utf8)
        ),
        (
            "long option path",
            Array(
                ("syntax = \"proto2\"; import \"google/protobuf/descriptor.proto\"; message O { optional O o = 1; optional int32 v = 2; } extend google.protobuf.FileOptions { optional O opt = 50000; } option (opt)"
                    + String(repeating: ".o", count: 5_000) + ".v = 1;").utf8)
        ),
        ("many braces", Array(String(repeating: "{", count: 100_000).utf8)),
        (
            "huge numbers",
            Array(
                "syntax = \"proto2\"; message M { optional double d = 99999999999999999999999999999 [default = 1e99999]; extensions 1 to 99999999999999999999; reserved 2147483647; }"
                    .utf8)
        ),
        (
            "max ranges",
            Array(
                "syntax = \"proto2\"; message M { extensions 2147483647; reserved 2147483646 to 2147483647; optional int32 a = 1; optional int32 b = 1; reserved 1 to max; }"
                    .utf8)
        ),
        ("invalid UTF-8", [0xFF, 0xFE, 0xFD] + Array("syntax = \"proto3\"; message \u{1}".utf8) + [0xC0, 0x80]),
        ("NUL bytes", Array("syntax = \"proto3\";\0message M {}".utf8)),
        ("only a comment", Array("// nothing".utf8)),
        ("empty", []),
        ("unterminated string", Array("syntax = \"proto3".utf8)),
        (
            "unicode escapes",
            Array(
                "syntax = \"proto2\"; message M { optional string s = 1 [default = \"\\U0010ffff\\uD800\\u0000\\777\"]; }"
                    .utf8)
        ),
        (
            "long identifier",
            Array(("syntax = \"proto3\"; message " + String(repeating: "a", count: 200_000) + " {}").utf8)
        ),
    ]

    @Test(arguments: hostile.indices)
    func hostileInputsGiveResultsOrSchemaErrors(_ index: Int) {
        let (_, source) = Self.hostile[index]
        Self.compileNeverCrashes("hostile.proto", ["hostile.proto": source])
    }
}
