import Foundation
import ProtoSchema
import SwiftProtobuf
import TestSupport
import Testing

/// The public entry points: `ProtoLoader`, `DescriptorPool(importPaths:files:)`, merging loads.
@Suite struct ProtoLoaderTests {
    @Test func poolFromProtoFilesListsMethodsLikeK6() throws {
        let pool = try DescriptorPool(
            importPaths: [ProtoCorpus.grpcRoot], files: ["grpc_health/v1/health.proto"])
        #expect(
            pool.methods.map(\.fullMethod) == [
                "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/List", "/grpc.health.v1.Health/Watch",
            ])
        #expect(pool.method(path: "/grpc.health.v1.Health/Watch")?.isServerStreaming == true)
        #expect(pool.message(named: "grpc.health.v1.HealthListResponse.StatusesEntry")?.isMapEntry == true)
    }

    @Test func filesComeAfterTheirImportsAndEachOnce() throws {
        let protos = try ProtoLoader(importPaths: [ProtoCorpus.fixtures]).load([
            "constructs/imports.proto", "constructs/imports/base.proto", "constructs/wkt_usage.proto",
        ])
        let names = protos.map(\.name)
        #expect(Set(names).count == names.count)
        for (index, proto) in protos.enumerated() {
            for dependency in proto.dependency {
                #expect(
                    names.firstIndex(of: dependency).map { $0 < index } == true, "\(proto.name) before \(dependency)")
            }
        }
    }

    @Test func repeatedLoadsMergeAndConflictsAreErrors() throws {
        let first = try DescriptorPool(importPaths: [ProtoCorpus.grpcRoot], files: ["grpc_health/v1/health.proto"])
        let both = try first.merging(
            ProtoLoader(importPaths: [ProtoCorpus.grpcRoot]).load(["grpc/reflection/v1/reflection.proto"]))
        #expect(both.service(named: "grpc.health.v1.Health") != nil)
        #expect(both.service(named: "grpc.reflection.v1.ServerReflection") != nil)
        let again = try both.merging(first)
        #expect(again.files.count == both.files.count)

        let dir = try TemporaryDirectory()
        try dir.write("grpc_health/v1/health.proto", "syntax = \"proto3\";\npackage other;\n")
        let clash = try ProtoLoader(importPaths: [dir.url.path]).load(["grpc_health/v1/health.proto"])
        #expect(throws: SchemaError.self) { try first.merging(clash) }
    }

    @Test func errorsAreLocatedAndReadable() throws {
        let dir = try TemporaryDirectory()
        try dir.write("bad.proto", "syntax = \"proto3\";\nmessage M {\n    Foo f = 1;\n}\n")
        let error = try #require(throws: SchemaError.self) {
            try ProtoLoader(importPaths: [dir.url.path]).load(["bad.proto"])
        }
        #expect(error.description == "bad.proto:3:5: \"Foo\" is not defined.")
        #expect(error.code == .undefined && error.file == "bad.proto" && error.line == 3 && error.column == 5)

        let missing = try #require(throws: SchemaError.self) {
            try ProtoLoader(importPaths: [dir.url.path]).load(["nope.proto"])
        }
        #expect(missing.code == .importNotFound && missing.description.hasPrefix("nope.proto: File not found."))
    }

    @Test func tabsAdvanceColumnsToTheNextMultipleOfEight() throws {
        let dir = try TemporaryDirectory()
        try dir.write("tabs.proto", "syntax = \"proto3\";\nmessage M {\n\t\tFoo b = 2;\n}\n")
        let error = try #require(throws: SchemaError.self) {
            try ProtoLoader(importPaths: [dir.url.path]).load(["tabs.proto"])
        }
        #expect(error.line == 3 && error.column == 17)
    }
}
