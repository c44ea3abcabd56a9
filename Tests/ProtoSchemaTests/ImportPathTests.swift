import Foundation
import SwiftProtobuf
import TestSupport
import Testing

@testable import ProtoSchema

/// Import resolution follows k6's `client.load` (k6-grpc-reference.md section 1), including the
/// path matrix from k6's `internal/js/runner_test.go`.
@Suite struct ImportPathTests {
    /// The fake file system of k6's test.
    static let files: [String: String] = [
        "/path/to/service.proto": """
        syntax = "proto3";
        package grpc.testing;
        message Empty {}
        service TestService { rpc EmptyCall(Empty) returns (Empty); }
        """,
        "/path/to/same-dir.proto": "syntax = \"proto3\";\nimport \"service.proto\";\n",
        "/path/subdir.proto": "syntax = \"proto3\";\nimport \"to/service.proto\";\n",
        "/path/to/abs.proto": "syntax = \"proto3\";\nimport \"/path/to/service.proto\";\n",
    ]

    struct Row: Sendable, CustomTestStringConvertible {
        var scriptDirectory: String
        /// nil stands for k6's `load(null, ...)`.
        var importPaths: [String]?
        var file: String
        var loads: Bool
        var testDescription: String {
            "script dir \(scriptDirectory): load(\(importPaths.map { "\($0)" } ?? "null"), '\(file)') \(loads ? "ok" : "error")"
        }
    }

    static let matrix: [Row] = [
        Row(scriptDirectory: "/", importPaths: nil, file: "service.proto", loads: false),
        Row(scriptDirectory: "/", importPaths: nil, file: "/wrong/path/to/service.proto", loads: false),
        Row(scriptDirectory: "/", importPaths: ["/", "/path/"], file: "service.proto", loads: false),
        Row(scriptDirectory: "/", importPaths: nil, file: "/path/to/service.proto", loads: true),
        Row(scriptDirectory: "/path/to/", importPaths: [], file: "service.proto", loads: true),
        Row(scriptDirectory: "/", importPaths: ["./path//to/"], file: "service.proto", loads: true),
        Row(scriptDirectory: "/path/", importPaths: ["./to/"], file: "service.proto", loads: true),
        Row(scriptDirectory: "/whatever", importPaths: ["/path/to/"], file: "service.proto", loads: true),
        Row(scriptDirectory: "/path", importPaths: ["/", "/path/to/"], file: "service.proto", loads: true),
        Row(scriptDirectory: "/whatever", importPaths: ["../path/to/"], file: "service.proto", loads: true),
        Row(scriptDirectory: "/", importPaths: [], file: "/path/to/same-dir.proto", loads: false),
        Row(scriptDirectory: "/path/", importPaths: [], file: "to/same-dir.proto", loads: false),
        Row(scriptDirectory: "/", importPaths: ["/path/"], file: "to/same-dir.proto", loads: false),
        Row(scriptDirectory: "/path/to/", importPaths: [], file: "same-dir.proto", loads: true),
        Row(scriptDirectory: "/", importPaths: ["/path/to/"], file: "same-dir.proto", loads: true),
        Row(scriptDirectory: "/whatever", importPaths: ["/other", "/path/to/"], file: "same-dir.proto", loads: true),
        Row(scriptDirectory: "/", importPaths: [], file: "/path/to/subdir.proto", loads: false),
        Row(scriptDirectory: "/path/", importPaths: [], file: "subdir.proto", loads: true),
        Row(scriptDirectory: "/whatever", importPaths: ["../other", "../path/"], file: "subdir.proto", loads: true),
        Row(scriptDirectory: "/", importPaths: ["/path"], file: "/path/to/abs.proto", loads: false),
        Row(scriptDirectory: "/", importPaths: [], file: "/path/to/abs.proto", loads: true),
        Row(scriptDirectory: "/whatever", importPaths: ["/"], file: "/path/to/abs.proto", loads: true),
    ]

    @Test(arguments: matrix)
    func k6PathMatrix(_ row: Row) throws {
        let loader = ProtoLoader(
            importPaths: row.importPaths ?? [], baseDirectory: row.scriptDirectory,
            readFile: { Self.files[$0].map { Array($0.utf8) } })
        if row.loads {
            let protos = try loader.load([row.file])
            let pool = try DescriptorPool(files: protos)
            #expect(pool.methods.map(\.fullMethod) == ["/grpc.testing.TestService/EmptyCall"])
            #expect(protos.last?.name == row.file)
        } else {
            let error = try #require(throws: SchemaError.self) { try loader.load([row.file]) }
            #expect(error.code == .importNotFound)
        }
    }

    @Test func fileSchemeIsStrippedFromImportPaths() throws {
        let resolver = ImportResolver(
            importPaths: ["file:///path/to"], baseDirectory: "/", readFile: { Self.files[$0].map { Array($0.utf8) } })
        #expect(resolver.candidates(for: "service.proto") == ["/path/to/service.proto"])
        #expect(try resolver.read("service.proto") != nil)
    }

    @Test func filepathJoinConcatenatesAbsoluteNames() {
        #expect(ImportResolver.join("/path", "/path/to/x.proto") == "/path/path/to/x.proto")
        #expect(ImportResolver.join("/", "/path/to/x.proto") == "/path/to/x.proto")
        #expect(ImportResolver.join("./path//to/", "x.proto") == "path/to/x.proto")
        #expect(ImportResolver.join("", "x.proto") == "x.proto")
        #expect(ImportResolver.clean("/../a/./b/../c") == "/a/c")
        #expect(ImportResolver.clean("../../a") == "../../a")
        #expect(ImportResolver.clean("") == ".")
    }

    @Test func wellKnownTypesResolveWithNoFilesButFilesOnDiskComeFirst() throws {
        let dir = try TemporaryDirectory()
        try dir.write("uses.proto", "syntax = \"proto3\";\nimport \"google/protobuf/duration.proto\";\n")
        let bundled = try ProtoLoader(importPaths: [dir.url.path]).load(["uses.proto"])
        #expect(bundled.map(\.name) == ["google/protobuf/duration.proto", "uses.proto"])
        #expect(bundled[0].messageType.map(\.name) == ["Duration"])

        // A file on an import path shadows the bundled one, as with protoc.
        try dir.write(
            "google/protobuf/duration.proto", "syntax = \"proto3\";\npackage google.protobuf;\nmessage Local {}\n")
        let local = try ProtoLoader(importPaths: [dir.url.path]).load(["uses.proto"])
        #expect(local[0].messageType.map(\.name) == ["Local"])
    }

    @Test func anEmptyImportListMeansTheBaseDirectory() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.proto", "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A { B b = 1; }\n")
        try dir.write("b.proto", "syntax = \"proto3\";\nmessage B {}\n")
        let protos = try ProtoLoader(importPaths: [], baseDirectory: dir.url.path).load(["a.proto"])
        #expect(protos.map(\.name) == ["b.proto", "a.proto"])
    }

    @Test func importsDoNotResolveAgainstTheImportingFilesFolder() throws {
        let dir = try TemporaryDirectory()
        try dir.write("sub/a.proto", "syntax = \"proto3\";\nimport \"b.proto\";\n")
        try dir.write("sub/b.proto", "syntax = \"proto3\";\n")
        let error = try #require(throws: SchemaError.self) {
            try ProtoLoader(importPaths: [dir.url.path]).load(["sub/a.proto"])
        }
        #expect(error.description.hasPrefix("sub/a.proto:2:1: Import \"b.proto\" was not found or had errors."))
        #expect(error.description.contains(dir.path("b.proto").path))
    }
}
