import Foundation
import SwiftProtobuf
import TestSupport
import Testing

/// The `reprise` executable has not been built.
struct BinaryMissing: Error, CustomStringConvertible {
    var description: String { "the reprise binary is missing: build it first with `swift build`" }
}

/// `reprise compile`, run as a process: the protoset equals protoc's, errors go to stderr with a
/// non-zero exit and no stack trace.
@Suite struct CompileCommandTests {
    static func binary() throws -> String {
        for configuration in ["debug", "release"] {
            let path = Repository.root.appendingPathComponent(".build/\(configuration)/reprise").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw BinaryMissing()
    }

    @Test(arguments: [true, false])
    func protosetEqualsProtocs(includeImports: Bool) throws {
        let out = try TemporaryDirectory()
        let files = ["constructs/custom_options.proto", "constructs/editions.proto"]
        var command = [try Self.binary(), "compile", "-I\(ProtoCorpus.fixtures)", "-o", out.path("set.protoset").path]
        if includeImports { command.append("--include-imports") }
        try Subprocess.check(command + files)
        let actual = try Data(contentsOf: out.path("set.protoset"))
        let expected = try Protoc.descriptorSet(
            files, importPaths: [URL(fileURLWithPath: ProtoCorpus.fixtures)], includeImports: includeImports)
        #expect(actual == expected, "\(DescriptorSetDiff.describe(expected: expected, actual: actual))")
    }

    @Test func pathsInsideAnImportPathAreNamedRelativeToIt() throws {
        let out = try TemporaryDirectory()
        try Subprocess.check(
            [
                try Self.binary(), "compile", "-I", "fixtures/protos/grpc", "-o", out.path("h.protoset").path,
                "fixtures/protos/grpc/grpc_health/v1/health.proto",
            ],
            currentDirectory: Repository.root)
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: Data(contentsOf: out.path("h.protoset")))
        #expect(set.file.map(\.name) == ["grpc_health/v1/health.proto"])
    }

    @Test func errorsGoToStderrWithANonZeroExit() throws {
        let out = try TemporaryDirectory()
        let result = try Subprocess.run([
            try Self.binary(), "compile", "-I", ProtoCorpus.brokenRoot, "-o", out.path("x.protoset").path,
            "undefined_type.proto",
        ])
        #expect(result.status != 0)
        #expect(result.stderrText == "undefined_type.proto:4:3: \"Foo\" is not defined.\n")
        #expect(!FileManager.default.fileExists(atPath: out.path("x.protoset").path))
    }
}
