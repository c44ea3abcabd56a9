import Foundation
import ProtoSchema
import SwiftProtobuf
import TestSupport
import Testing

/// `ProtoPrinter` writes `.proto` text that compiles back to the same descriptors.
@Suite struct ProtoPrinterTests {
    /// Files with custom options (extensions of the options messages), which the printer leaves out: their
    /// round trip is compared without options.
    static let customOptionFiles: Set<String> = [
        "constructs/custom_options.proto", "constructs/editions.proto", "constructs/numbers.proto",
    ]

    @Test(arguments: ProtoCorpus.all)
    func printedFilesCompileToTheSameDescriptors(_ entry: CorpusEntry) throws {
        let scratch = try TemporaryDirectory(prefix: "reprise-printer")
        let root = entry.root ?? scratch.url.path
        let original = try ProtoLoader(importPaths: [root]).load([entry.name])
        let pool = try DescriptorPool(files: original)
        // Every file of the closure printed, then compiled again from the printed texts alone.
        var sources: [String: String] = [:]
        for file in pool.files {
            sources[file.name] = ProtoPrinter.file(file)
        }
        let reprinted = try ProtoLoader(sources: sources).load([entry.name])
        let byName = Dictionary(reprinted.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for var file in original {
            var again = try #require(byName[file.name], "\(file.name) missing after the round trip")
            if Self.customOptionFiles.contains(file.name) {
                AllOptions.clear(&file)
                AllOptions.clear(&again)
            }
            #expect(
                again == file,
                "\(file.name):\n\(sources[file.name] ?? "")\n\(Self.difference(file, again))")
        }
    }

    @Test func aServiceAMethodAndAMessagePrintAsGrpcurlShowsThem() throws {
        let source = """
            syntax = "proto3";
            package demo.v1;
            message PingRequest { string text = 1; map<string, int64> counts = 2; optional int32 limit = 3;
              oneof choice { string a = 4; PongReply b = 5; } }
            message PongReply { repeated PingRequest pings = 1 [deprecated = true]; }
            service Pinger {
              rpc Ping(PingRequest) returns (PongReply);
              rpc Pings(stream PingRequest) returns (stream PongReply) { option deprecated = true; }
            }
            """
        let pool = try DescriptorPool(files: ProtoLoader(sources: ["demo.proto": source]).load(["demo.proto"]))
        let service = try #require(pool.service(named: "demo.v1.Pinger"))
        #expect(
            ProtoPrinter.service(service) == """
                service Pinger {
                  rpc Ping ( .demo.v1.PingRequest ) returns ( .demo.v1.PongReply );
                  rpc Pings ( stream .demo.v1.PingRequest ) returns ( stream .demo.v1.PongReply ) {
                    option deprecated = true;
                  }
                }

                """)
        #expect(
            ProtoPrinter.method(service.methods[0])
                == "rpc Ping ( .demo.v1.PingRequest ) returns ( .demo.v1.PongReply );\n")
        let message = try #require(pool.message(named: "demo.v1.PingRequest"))
        #expect(
            ProtoPrinter.message(message) == """
                message PingRequest {
                  string text = 1;
                  map<string, int64> counts = 2;
                  optional int32 limit = 3;
                  oneof choice {
                    string a = 4;
                    .demo.v1.PongReply b = 5;
                  }
                }

                """)
    }

    static func difference(
        _ expected: Google_Protobuf_FileDescriptorProto, _ actual: Google_Protobuf_FileDescriptorProto
    )
        -> String
    {
        let left = expected.textFormatString().split(separator: "\n").map(String.init)
        let right = actual.textFormatString().split(separator: "\n").map(String.init)
        return right.difference(from: left).prefix(40).map { change in
            switch change {
            case .remove(let offset, let line, _): "- [\(offset)] \(line)"
            case .insert(let offset, let line, _): "+ [\(offset)] \(line)"
            }
        }.joined(separator: "\n")
    }
}

/// Clears every options message of a file, for comparing the rest of files whose custom options the
/// printer leaves out (standard options are compared in the other files of the corpus).
enum AllOptions {
    static func clear(_ file: inout Google_Protobuf_FileDescriptorProto) {
        file.clearOptions()
        for index in file.messageType.indices { clear(&file.messageType[index]) }
        for index in file.enumType.indices { clear(&file.enumType[index]) }
        for index in file.extension.indices { file.extension[index].clearOptions() }
        for index in file.service.indices {
            file.service[index].clearOptions()
            for method in file.service[index].method.indices { file.service[index].method[method].clearOptions() }
        }
    }

    static func clear(_ message: inout Google_Protobuf_DescriptorProto) {
        message.clearOptions()
        for index in message.field.indices { message.field[index].clearOptions() }
        for index in message.extension.indices { message.extension[index].clearOptions() }
        for index in message.nestedType.indices { clear(&message.nestedType[index]) }
        for index in message.enumType.indices { clear(&message.enumType[index]) }
        for index in message.oneofDecl.indices { message.oneofDecl[index].clearOptions() }
        for index in message.extensionRange.indices { message.extensionRange[index].clearOptions() }
    }

    static func clear(_ enumType: inout Google_Protobuf_EnumDescriptorProto) {
        enumType.clearOptions()
        for index in enumType.value.indices { enumType.value[index].clearOptions() }
    }
}
