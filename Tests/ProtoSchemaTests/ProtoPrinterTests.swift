import Foundation
import ProtoSchema
import SwiftProtobuf
import TestSupport
import Testing

/// `ProtoPrinter` writes `.proto` text that compiles back to the same descriptors.
@Suite struct ProtoPrinterTests {
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
        for file in original {
            let again = try #require(byName[file.name], "\(file.name) missing after the round trip")
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

    @Test func customOptionsPrintByTheirExtensionsName() throws {
        let source = """
            syntax = "proto3";
            package demo.v1;
            import "google/protobuf/descriptor.proto";
            message HttpRule { string get = 1; string body = 2; }
            extend google.protobuf.MethodOptions { HttpRule http = 50000; }
            extend google.protobuf.FieldOptions { repeated int32 marks = 50001; }
            message Ping { string id = 1 [(marks) = 3, (marks) = -4]; }
            service Pinger {
              rpc Get(Ping) returns (Ping) { option (http) = { get: "/v1/ping" body: "*" }; }
            }
            """
        let pool = try DescriptorPool(files: ProtoLoader(sources: ["api.proto": source]).load(["api.proto"]))
        let service = try #require(pool.service(named: "demo.v1.Pinger"))
        #expect(
            ProtoPrinter.method(service.methods[0]) == """
                rpc Get ( .demo.v1.Ping ) returns ( .demo.v1.Ping ) {
                  option (demo.v1.http) = { get: "/v1/ping" body: "*" };
                }

                """)
        let message = try #require(pool.message(named: "demo.v1.Ping"))
        #expect(ProtoPrinter.message(message).contains("string id = 1 [(demo.v1.marks) = 3, (demo.v1.marks) = -4];"))
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
