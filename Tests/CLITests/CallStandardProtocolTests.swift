import Foundation
import TestSupport
import Testing

/// `reprise call` on the standard protocols (health, reflection) needs no reflection from the server.
@Suite("reprise call: health and reflection methods")
struct CallStandardProtocolTests {
    @Test func healthCheckOnAServerWithoutReflection() async throws {
        let grpcio = try grpcioDemo(["--no-reflection"])
        let result = try await reprise([
            "call", "--plaintext", "-d", #"{"service":"hello.HelloService"}"#, "127.0.0.1:\(grpcio.port)",
            "grpc.health.v1.Health/Check",
        ])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.contains(#""status": "NOT_SERVING""#), "\(result.stdoutText)")
    }

    @Test func reflectionCallWithUserFilesThatLackIt() async throws {
        let grpcio = try grpcioDemo()
        let result = try await reprise(
            [
                "call", "--plaintext", "-I", Repository.fixture("protos/demo").path, "--proto", "hello/hello.proto",
                "-d", #"[{"listServices":""}]"#, "127.0.0.1:\(grpcio.port)",
                "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            ])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.contains(#""name": "demo.v1.Demo""#), "\(result.stdoutText)")
    }
}
