import Foundation
import SwiftProtobuf
import TestSupport
import Testing

@testable import Reflection

@Suite("Built-in protocol files")
struct BuiltinProtoTests {
    @Test(arguments: [
        ("grpc/reflection/v1/reflection.proto", "protos/grpc/grpc/reflection/v1/reflection.proto"),
        ("grpc/reflection/v1alpha/reflection.proto", "protos/grpc/grpc_reflection/v1alpha/reflection.proto"),
        ("grpc/health/v1/health.proto", "protos/grpc/grpc_health/v1/health.proto"),
    ])
    func compiledTextIsTheFixtureFile(_ name: String, _ fixture: String) throws {
        let embedded = [
            BuiltinProtos.fileNames[0]: BuiltinProtos.reflectionV1,
            BuiltinProtos.fileNames[1]: BuiltinProtos.reflectionV1Alpha,
            BuiltinProtos.fileNames[2]: BuiltinProtos.health,
        ]
        let text = try String(contentsOf: Repository.fixture(fixture), encoding: .utf8)
        #expect(embedded[name]?.trimmingCharacters(in: .newlines) == text.trimmingCharacters(in: .newlines))
        #expect(BuiltinProtos.files.contains { $0.name == name })
    }
}
