import Foundation
import ProtoSchema
import SwiftProtobuf
import TestSupport
import Testing

/// Reprise's compiler must write exactly the FileDescriptorSet protoc writes
/// (`--include_imports --descriptor_set_out`, no source info) for every file of the corpus.
@Suite struct ProtoConformanceTests {
    @Test(arguments: ProtoCorpus.all)
    func descriptorSetEqualsProtocs(_ entry: CorpusEntry) throws {
        let scratch = try TemporaryDirectory(prefix: "reprise-corpus")
        let root = entry.root ?? scratch.url.path
        let expected = try Protoc.descriptorSet([entry.name], importPaths: [URL(fileURLWithPath: root)])
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = try ProtoLoader(importPaths: [root]).load([entry.name])
        let actual = try set.serializedData()
        #expect(actual == expected, "\(DescriptorSetDiff.describe(expected: expected, actual: actual))")
        // What the compiler writes, the pool links.
        let pool = try DescriptorPool(files: set.file)
        #expect(pool.file(named: entry.name) != nil)
    }

    @Test func corpusCoversEveryConstructAndTheGRPCProtos() {
        let names = Set(ProtoCorpus.reprise.map(\.name))
        for construct in [
            "package", "imports", "nested_types", "enum_alias", "reserved", "reserved_editions", "oneofs", "maps",
            "groups", "required_optional", "proto3_optional", "extensions", "services", "standard_options",
            "custom_options", "comments", "strings", "json_name", "defaults", "numbers", "editions", "scoping",
            "message_set", "no_syntax", "keywords_as_names", "wkt_usage", "extension_declarations",
        ] {
            #expect(names.contains("constructs/\(construct).proto"), "missing construct file \(construct).proto")
        }
        for grpc in [
            "grpc_health/v1/health.proto", "grpc/reflection/v1/reflection.proto",
            "grpc_reflection/v1alpha/reflection.proto",
        ] {
            #expect(names.contains(grpc))
        }
    }
}
