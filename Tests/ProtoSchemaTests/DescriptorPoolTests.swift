import Foundation
import ProtoSchema
import SwiftProtobuf
import TestSupport
import Testing

@Suite struct DescriptorPoolTests {
    static let sample = """
        syntax = "proto3";
        package demo.v1;
        import "google/protobuf/timestamp.proto";

        message Greeting {
          string name = 1;
          optional int32 count = 2;
          repeated int64 ids = 3;
          map<string, Inner> items = 4;
          oneof choice { string text = 5; bytes blob = 6; }
          google.protobuf.Timestamp at = 7;
          Mood mood = 8;
          repeated int32 loose = 9 [packed = false];
          message Inner { string value_text = 1; }
        }
        enum Mood { MOOD_UNSPECIFIED = 0; HAPPY = 1; }
        service Greeter {
          rpc Hello(Greeting) returns (Greeting);
          rpc Chat(stream Greeting) returns (stream Greeting);
        }
        """

    static let legacy = """
        syntax = "proto2";
        package legacy;
        message Old {
          required string id = 1;
          optional int32 size = 2 [default = 7];
          repeated int32 nums = 3;
          repeated int32 packed_nums = 4 [packed = true];
          optional group Blob = 5 { optional string data = 6; }
          optional Kind kind = 7;
          extensions 100 to 200;
        }
        enum Kind { A = 1; B = 2; }
        extend Old { optional string note = 100; }
        """

    static let editions = """
        edition = "2023";
        package ed;
        option features.field_presence = IMPLICIT;
        message Node {
          int32 plain = 1;
          int32 tracked = 2 [features.field_presence = EXPLICIT];
          Node child = 3 [features.message_encoding = DELIMITED];
          repeated int32 expanded = 4 [features.repeated_field_encoding = EXPANDED];
          Shade shade = 5 [features.field_presence = EXPLICIT];
        }
        enum Shade { option features.enum_type = CLOSED; SHADE_DARK = 0; SHADE_LIGHT = 1; }
        """

    func pool(_ sources: [String: String]) throws -> DescriptorPool {
        let dir = try TemporaryDirectory()
        for (name, text) in sources { try dir.write(name, text) }
        let data = try Protoc.descriptorSet(Array(sources.keys).sorted(), importPaths: [dir.url])
        return try DescriptorPool(protoset: data)
    }

    @Test func proto3FieldsResolveTypesPresenceAndPacking() throws {
        let pool = try pool(["demo.proto": Self.sample])
        let greeting = try #require(pool.message(named: "demo.v1.Greeting"))
        #expect(pool.message(named: ".demo.v1.Greeting") === greeting)
        let name = try #require(greeting.field(named: "name"))
        #expect(!name.hasPresence && name.validatesUTF8 && name.type == .string)
        let count = try #require(greeting.field(number: 2))
        #expect(count.hasPresence && count.oneof?.isSynthetic == true && count.realOneof == nil)
        #expect(greeting.field(number: 3)?.isPacked == true)
        #expect(greeting.field(number: 9)?.isPacked == false)
        let items = try #require(greeting.field(named: "items"))
        #expect(items.isMap && items.messageType?.mapValueField?.messageType?.fullName == "demo.v1.Greeting.Inner")
        #expect(greeting.field(number: 5)?.realOneof?.name == "choice")
        #expect(greeting.realOneofs.map(\.name) == ["choice"])
        #expect(greeting.field(number: 7)?.messageType?.wellKnownType == .timestamp)
        #expect(greeting.field(number: 8)?.enumType?.isClosed == false)
        let inner = try #require(pool.message(named: "demo.v1.Greeting.Inner"))
        #expect(inner.field(named: "valueText") === inner.field(named: "value_text"))
        #expect(inner.parent === greeting)
    }

    @Test func methodsAreListedTheWayK6LoadReturnsThem() throws {
        let pool = try pool(["demo.proto": Self.sample])
        #expect(
            pool.methods == [
                MethodInfo(
                    package: "demo.v1", service: "Greeter", fullMethod: "/demo.v1.Greeter/Hello", name: "Hello",
                    isClientStream: false, isServerStream: false),
                MethodInfo(
                    package: "demo.v1", service: "Greeter", fullMethod: "/demo.v1.Greeter/Chat", name: "Chat",
                    isClientStream: true, isServerStream: true),
            ])
        let method = try #require(pool.method(path: "demo.v1.Greeter/Hello"))
        #expect(method.inputType.fullName == "demo.v1.Greeting")
        #expect(pool.method(path: "/demo.v1.Greeter/Hello") === method)
        #expect(pool.method(path: "/demo.v1.greeter/Hello") == nil)
        let json = String(decoding: try JSONEncoder().encode(method.info), as: UTF8.self)
        #expect(json.contains("\"full_method\"") && json.contains("\"is_client_stream\""))
    }

    @Test func proto2RequiredGroupsClosedEnumsAndExtensions() throws {
        let pool = try pool(["legacy.proto": Self.legacy])
        let old = try #require(pool.message(named: "legacy.Old"))
        #expect(old.field(number: 1)?.isRequired == true)
        #expect(old.field(number: 1)?.validatesUTF8 == false)
        #expect(old.field(number: 2)?.defaultValueText == "7")
        #expect(old.field(number: 3)?.isPacked == false)
        #expect(old.field(number: 4)?.isPacked == true)
        #expect(old.field(number: 5)?.type == .group)
        #expect(old.field(number: 7)?.enumType?.isClosed == true)
        let note = try #require(pool.extensionField(named: "legacy.note"))
        #expect(note.containingType === old && old.extensionsByNumber[100] === note)
        #expect(old.isExtensionNumber(150) && !old.isExtensionNumber(201))
    }

    @Test func editionFeaturesResolveFromFileToField() throws {
        let pool = try pool(["ed.proto": Self.editions])
        let node = try #require(pool.message(named: "ed.Node"))
        #expect(node.field(number: 1)?.hasPresence == false)
        #expect(node.field(number: 2)?.hasPresence == true)
        #expect(node.field(number: 3)?.type == .group)
        #expect(node.field(number: 4)?.isPacked == false)
        #expect(node.field(number: 5)?.enumType?.isClosed == true)
    }

    @Test func mergingSkipsIdenticalFilesAndRejectsConflicts() throws {
        let first = try pool(["demo.proto": Self.sample])
        let again = try first.merging(first)
        #expect(again.files.count == first.files.count)
        let other = try pool(["demo.proto": Self.sample.replacingOccurrences(of: "HAPPY = 1", with: "SAD = 1")])
        #expect(throws: SchemaError.self) { try first.merging(other) }
        let clash = try pool(["clash.proto": "syntax = \"proto3\"; package demo.v1; message Greeting {}"])
        let error = try #require(throws: SchemaError.self) { try first.merging(clash) }
        #expect(error.description.contains("\"demo.v1.Greeting\" is already defined"))
    }

    /// protoc without --include_imports leaves the well-known types out: they come from the built-in
    /// sources, the same descriptors protoc writes with them; any other missing import is an error that
    /// says how the protoset was likely written.
    @Test func aProtosetWithoutItsImportsTakesTheWellKnownTypesFromTheBuiltInOnes() throws {
        let dir = try TemporaryDirectory()
        try dir.write("demo.proto", Self.sample)
        try dir.write(
            "outer.proto",
            "syntax = \"proto3\"; package outer; import \"demo.proto\"; message O { demo.v1.Greeting g = 1; }")
        let alone = try Protoc.descriptorSet(["demo.proto"], importPaths: [dir.url], includeImports: false)
        let whole = try Protoc.descriptorSet(["demo.proto"], importPaths: [dir.url])
        let pool = try DescriptorPool(protoset: alone, name: "alone.protoset")
        let reference = try DescriptorPool(protoset: whole, name: "whole.protoset")
        let timestamp = "google/protobuf/timestamp.proto"
        #expect(pool.file(named: timestamp)?.proto == reference.file(named: timestamp)?.proto)
        #expect(
            pool.message(named: "demo.v1.Greeting")?.field(named: "at")?.messageType?.fullName
                == "google.protobuf.Timestamp")

        let outer = try Protoc.descriptorSet(["outer.proto"], importPaths: [dir.url], includeImports: false)
        let error = try #require(throws: SchemaError.self) {
            try DescriptorPool(protoset: outer, name: "outer.protoset")
        }
        #expect(
            error.description
                == "outer.proto: imports \"demo.proto\", which is not in the descriptor set of outer.protoset (was it "
                + "written without --include_imports?)")
    }

    @Test func missingImportsAndUndecodableProtosetsAreErrors() throws {
        var file = Google_Protobuf_FileDescriptorProto()
        file.name = "a.proto"
        file.dependency = ["missing.proto"]
        let error = try #require(throws: SchemaError.self) { try DescriptorPool(files: [file]) }
        #expect(error.description == "a.proto: imports \"missing.proto\", which is not in the descriptor set")
        let bad = try #require(throws: SchemaError.self) {
            try DescriptorPool(protoset: Data("syntax = \"proto3\";".utf8), name: "x.proto")
        }
        #expect(bad.description.hasPrefix("couldn't unmarshal protoset file x.proto"))
    }

    @Test func fileDescriptorSetListsDependenciesFirst() throws {
        let pool = try pool(["demo.proto": Self.sample])
        let set = pool.fileDescriptorSet(files: ["demo.proto"])
        #expect(set.file.map(\.name) == ["google/protobuf/timestamp.proto", "demo.proto"])
        #expect(pool.fileDescriptorSet(files: ["demo.proto"], includeImports: false).file.map(\.name) == ["demo.proto"])
    }
}
