import Foundation
import ProtoCodec
import TestSupport
import Testing

/// `reprise encode` and `reprise decode`, run as the real binary.
@Suite struct CommandLineTests {
    let protoset: URL
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "reprise-cli")
        protoset = directory.path("codec.protoset")
        try CodecFixtures.protoset().write(to: protoset)
    }

    func reprise(_ arguments: [String], input: Data = Data()) throws -> ProcessOutput {
        try Subprocess.run([try RepriseExecutable.path()] + arguments, input: input)
    }

    @Test func encodeThenDecodeRoundTripsWithK6Defaults() throws {
        let json = #"{"fInt64": 7, "fString": "héllo", "f_enum": "COLOR_RED"}"#
        let encoded = try reprise(
            ["encode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalars"], input: Data(json.utf8))
        #expect(encoded.status == 0, "\(encoded.stderrText)")
        #expect(Array(encoded.stdout) == [UInt8](hex: "1807 4a06 68c3a96c6c6f 6001"))
        let decoded = try reprise(
            ["decode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalars"], input: encoded.stdout)
        #expect(decoded.status == 0)
        let value = try JSONValue(parsing: decoded.stdout)
        #expect(value["fInt64"] == "7" && value["fEnum"] == "COLOR_RED" && value["fMessage"] == .null)
        #expect(value["fDouble"] == 0)  // k6 writes unset fields with their defaults
        #expect(decoded.stdoutText.hasSuffix("}\n"))
    }

    @Test func jsonFlagsChangeTheOutput() throws {
        let bytes = Data([UInt8](hex: "6001 8a01 02 2801"))
        let decoded = try reprise(
            [
                "decode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalars", "--omit-defaults",
                "--proto-names", "--enums-as-numbers", "--pretty",
            ], input: bytes)
        #expect(decoded.stdoutText == "{\n  \"f_enum\": 1,\n  \"f_message\": {\n    \"f_int32\": 1\n  }\n}\n")
    }

    @Test func filesCanBeGivenInsteadOfStandardInputAndOutput() throws {
        let input = try directory.write("in.json", #"{"rInt32": [1, 2, 3]}"#)
        let output = directory.path("out.bin")
        let result = try reprise([
            "encode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Repeated", "-i", input.path, "-o",
            output.path,
        ])
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(Array(try Data(contentsOf: output)) == [UInt8](hex: "2a03 010203"))
    }

    @Test func rawDecodingNeedsNoSchemaAndEncodesBackExactly() throws {
        let bytes = Data([UInt8](hex: "0896 01 1202 6869 1a03 08c801"))
        let decoded = try reprise(["decode", "--raw"], input: bytes)
        #expect(
            decoded.stdoutText
                == #"[{"field":1,"varint":150},{"field":2,"string":"hi"},{"field":3,"message":[{"field":1,"varint":200}]}]"#
                + "\n")
        let encoded = try reprise(["encode", "--raw"], input: decoded.stdout)
        #expect(encoded.stdout == bytes)
    }

    @Test func aMistypedTypeNameListsCloseMatches() throws {
        let result = try reprise(
            ["decode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalar"], input: Data())
        #expect(result.status == 64)  // a usage error (README, "Exit statuses")
        #expect(
            result.stderrText
                == "Error: unknown message type \"reprise.codec.p3.Scalar\"; did you mean reprise.codec.p3.Scalars?\n")
    }

    @Test func malformedInputIsReportedWithItsPlaceAndNoStackTrace() throws {
        let binary = try reprise(
            ["decode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalars"],
            input: Data([UInt8](hex: "4a05 6869")))
        #expect(binary.status == 66)  // an input that cannot be parsed (README, "Exit statuses")
        #expect(
            binary.stderrText
                == "Error: standard input is not a valid reprise.codec.p3.Scalars: byte 1, $.fString: length 5 runs past the end of the input (2 bytes left)\n"
        )
        let json = try reprise(
            ["encode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalars"],
            input: Data(#"{"fMessage": {"nope": 1}}"#.utf8))
        #expect(json.status == 66)
        #expect(json.stderrText.contains(#"$.fMessage.nope: unknown field "nope" in reprise.codec.p3.Scalars"#))
        let lenient = try reprise(
            ["encode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalars", "--allow-unknown"],
            input: Data(#"{"fMessage": {"nope": 1}}"#.utf8))
        #expect(lenient.status == 0 && Array(lenient.stdout) == [UInt8](hex: "8a01 00"))
        let syntax = try reprise(
            ["encode", "--protoset", protoset.path, "--type", "reprise.codec.p3.Scalars"],
            input: Data("{\n  \"a\": }".utf8))
        #expect(syntax.status == 66)
        #expect(
            syntax.stderrText
                == "Error: standard input is not valid JSON: line 2, column 8: unexpected '}': expected a value\n")
    }

    @Test func protoFilesAreCompiledInProcessLikeAProtoset() throws {
        let json = #"{"fInt64": 7, "fString": "héllo", "f_enum": "COLOR_RED"}"#
        let fromProto = try reprise(
            [
                "encode", "-I", Repository.fixture("protos/codec").path, "--proto", "scalars3.proto", "--type",
                "reprise.codec.p3.Scalars",
            ], input: Data(json.utf8))
        #expect(fromProto.status == 0, "\(fromProto.stderrText)")
        #expect(Array(fromProto.stdout) == [UInt8](hex: "1807 4a06 68c3a96c6c6f 6001"))
        let decoded = try reprise(
            [
                "decode", "-I", Repository.fixture("protos/codec").path, "--proto", "scalars3.proto", "--type",
                "reprise.codec.p3.Scalars",
            ], input: fromProto.stdout)
        #expect(decoded.status == 0, "\(decoded.stderrText)")
        #expect(try JSONValue(parsing: decoded.stdout)["fString"] == "héllo")
    }

    @Test func aMissingProtoFileSaysWhereItWasLookedFor() throws {
        let result = try reprise(["decode", "-I", directory.url.path, "--proto", "absent.proto", "--type", "a.B"])
        #expect(result.status == 66)  // an unreadable input
        #expect(result.stderrText.contains("absent.proto"), "\(result.stderrText)")
        let none = try reprise(["decode", "--type", "a.B"])
        #expect(none.status == 64 && none.stderrText.contains("no schema given"), "\(none.stderrText)")
        let missing = try reprise(["decode", "--protoset", protoset.path])
        #expect(missing.status == 64 && missing.stderrText.contains("Missing the message type (--type NAME"))
    }

    /// `protoc --decode=TYPE` users give the type alone; it works as --type does, and a second, different
    /// one is refused.
    @Test func theTypeMayComeAloneAfterTheOptions() throws {
        let codec = Repository.fixture("protos/codec").path
        let encoded = try reprise(
            ["encode", "-I", codec, "--proto", "scalars3.proto", "reprise.codec.p3.Scalars"],
            input: Data(#"{"fString":"héllo"}"#.utf8))
        #expect(encoded.status == 0, "\(encoded.stderrText)")
        let decoded = try reprise(
            ["decode", "-I", codec, "--proto", "scalars3.proto", "reprise.codec.p3.Scalars"], input: encoded.stdout)
        #expect(decoded.status == 0, "\(decoded.stderrText)")
        #expect(try JSONValue(parsing: decoded.stdout)["fString"] == "héllo")
        let twice = try reprise(
            ["decode", "-I", codec, "--proto", "scalars3.proto", "--type", "a.B", "reprise.codec.p3.Scalars"])
        #expect(twice.status == 64)
        #expect(twice.stderrText.contains("The message type is given twice: --type a.B and reprise.codec.p3.Scalars"))
    }
}
