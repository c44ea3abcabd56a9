import DemoServer
import Foundation
import GRPCWire
import NIOPosix
import TestSupport
import Testing

@Suite("Demo server")
struct DemoServerTests {
    static let peers = Repository.root.appendingPathComponent("Tests/EngineTests/Peers")

    @Test func grpcioClientSeesTheSameAnswersFromReprisesAndGrpciosDemo() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let reference = try PeerProcess([
            try Repository.python(), Self.peers.appendingPathComponent("grpcio_demo_server.py").path,
        ])
        let client = Self.peers.appendingPathComponent("grpcio_demo_client.py").path
        let ours = try await Subprocess.check([try Repository.python(), client, String(server.port)])
        let theirs = try await Subprocess.check([try Repository.python(), client, String(reference.port)])
        await server.shutdown()

        let json = try #require(try JSONSerialization.jsonObject(with: ours.stdout) as? [String: Any])
        #expect(json["hello"] as? String == "Hello, grpcio!")
        #expect(json["headers"] as? [String: String] == ["x-token": "abc", "x-blob-bin": "00ff"])
        #expect(json["trailers"] as? [String: String] == ["x-token": "abc", "x-blob-bin": "00ff"])
        #expect(json["countdown"] as? [Int] == [3, 2, 1])
        #expect(json["sum"] as? [Int] == [42, 3])
        #expect(json["sleep"] as? String == "DEADLINE_EXCEEDED")
        let fail = try #require(json["fail"] as? [String: Any])
        #expect(fail["code"] as? String == "FAILED_PRECONDITION")
        #expect((fail["details"] as? [Any])?.count == 2)
        #expect(json["blob"] as? [AnyHashable] == [10_485_760, "000102", 234])
        #expect(json["health"] as? String == "SERVING")
        // Every answer, byte for byte in JSON, equals grpcio's implementation of the same .proto.
        #expect(ours.stdoutText == theirs.stdoutText)
    }

    @Test(arguments: [
        ("demo/v1/demo.proto", "protos/demo/demo/v1/demo.proto"),
        ("hello/hello.proto", "protos/demo/hello/hello.proto"),
        ("google/rpc/error_details.proto", "protos/demo/google/rpc/error_details.proto"),
    ])
    func compiledInSchemaIsTheFixtureFile(_ name: String, _ fixture: String) throws {
        let text = try String(contentsOf: Repository.fixture(fixture), encoding: .utf8)
        #expect(DemoSchema.sources[name]?.trimmingCharacters(in: .newlines) == text.trimmingCharacters(in: .newlines))
    }

    @Test func commandServesUntilSIGTERM() throws {
        let reprise = try RepriseExecutable.path()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: reprise)
        process.arguments = ["demo-server", "--listen", "127.0.0.1:0"]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let line = try #require(readLine(from: stdout.fileHandleForReading))
        #expect(line.hasPrefix("demo server listening on 127.0.0.1:"))
        #expect(line.hasSuffix("(plaintext)"))
        let port = try #require(Int(line.split(separator: ":").last?.split(separator: " ").first ?? ""))
        #expect(port > 0)
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let messages = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(messages.contains("SIGTERM, shutting down"))
    }

    private func readLine(from handle: FileHandle) -> String? {
        var bytes = Data()
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == Data("\n".utf8) { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}
