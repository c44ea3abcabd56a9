import Foundation
import ProtoSchema
import TestSupport
import Testing

@testable import Replay

/// The schema given for a replay against the one the recording was decoded with: every way a field or a
/// method can read differently is named, and equal schemas say nothing.
@Suite struct SchemaDriftTests {
    static func pool(_ text: String) throws -> DescriptorPool {
        let directory = try TemporaryDirectory(prefix: "reprise-drift")
        _ = try directory.write("drift.proto", text)
        return try DescriptorPool(importPaths: [directory.url.path], files: ["drift.proto"])
    }

    static let recorded = """
        syntax = "proto3";
        package d;
        message Inner { int32 a = 1; }
        message Req { string name = 1; int32 count = 2; Inner inner = 3; repeated string tags = 4; }
        message Resp { string text = 1; }
        service S {
          rpc Call(Req) returns (Resp);
          rpc Watch(Req) returns (stream Resp);
          rpc Gone(Req) returns (Resp);
        }
        """

    @Test func theSameSchemaReadsAlike() throws {
        let methods = ["/d.S/Call", "/d.S/Watch", "/d.S/Gone"]
        #expect(
            SchemaDrift.differences(
                recorded: try Self.pool(Self.recorded), given: try Self.pool(Self.recorded), methods: methods
            ).isEmpty)
    }

    @Test func everyDifferenceIsNamed() throws {
        let given = """
            syntax = "proto3";
            package d;
            message Inner { int64 a = 1; }
            message Req { string title = 1; Inner inner = 3; string tags = 4; bool urgent = 5; }
            message Resp { string text = 1; }
            service S {
              rpc Call(Req) returns (Resp);
              rpc Watch(Req) returns (Resp);
            }
            """
        let found = SchemaDrift.differences(
            recorded: try Self.pool(Self.recorded), given: try Self.pool(given),
            methods: ["/d.S/Call", "/d.S/Watch", "/d.S/Gone", "/d.S/NeverRecorded"])
        #expect(found.contains("/d.S/Gone is not in the schema given"), "\(found)")
        #expect(found.contains("/d.S/Watch streams differently"), "\(found)")
        #expect(
            found.contains(
                "d.Req: field 1 was string name, is string title, field 2 count removed, "
                    + "field 4 was repeated string tags, is string tags, field 5 urgent added"), "\(found)")
        #expect(found.contains("d.Inner: field 1 was int32 a, is int64 a"), "\(found)")
        #expect(!found.contains { $0.hasPrefix("d.Resp") }, "\(found)")
        #expect(found.count == 4, "\(found)")
    }
}
