import DemoServer
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import Recording
import TestSupport
import Testing

/// `reprise record` as a subprocess in front of the demo server: its schema sources, and how it stops on
/// SIGINT and SIGTERM.
@Suite(.timeLimit(.minutes(2))) struct RecordCommandTests {
    static let demoProtos = Repository.fixture("protos/demo")

    /// A demo message's bytes from JSON.
    static func demo(_ type: String, _ json: String) throws -> ByteBuffer {
        let type = try #require(DemoSchema.registry.type(named: type))
        return ByteBuffer(bytes: try BinaryEncoding(DynamicMessage(type: type, jsonString: json)).bytes)
    }

    static func schemaArguments(_ source: String, directory: TemporaryDirectory) throws -> [String] {
        switch source {
        case "reflect": return ["--reflect"]
        case "proto": return ["-I", demoProtos.path, "--proto", "demo/v1/demo.proto"]
        default:
            let protoset = directory.path("demo.protoset")
            try Protoc.descriptorSet(["demo/v1/demo.proto"], importPaths: [demoProtos]).write(to: protoset)
            return ["--protoset", protoset.path]
        }
    }

    @Test(arguments: ["reflect", "proto", "protoset"])
    func everySchemaSourceDecodesTheMessages(_ source: String) async throws {
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-record")
        let out = directory.path("schema.jsonl").path
        let record = try RecordProcess(
            upstreamPort: server.port, out: out, arguments: try Self.schemaArguments(source, directory: directory))
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: record.port, group: testGroup)
        let response = await connection.unary(
            path: "/demo.v1.Demo/SayHello", request: try Self.demo("demo.v1.HelloRequest", #"{"name":"schema"}"#))
        await connection.close()
        #expect(response.result.status.code == .ok)
        record.send(SIGTERM)
        #expect(await record.exitStatus() == 0, "\(record.stderrText)")
        await server.shutdown()

        let recording = try Recording.load(path: out)
        #expect(recording.header.schema?.files.contains("demo/v1/demo.proto") == true)
        let call = try #require(recording.calls.first)
        #expect(call.start.kind == .unary)
        #expect(call.requests.first?.json == ["name": "schema"])
        #expect(call.responses.first?.json == ["message": "Hello, schema!"])
        #expect(call.end?.outcome == .ok)
        // The reflection call that fetched the schema went around the proxy: it is not recorded.
        #expect(recording.calls.count == 1)
    }

    @Test func theFirstSignalStopsAcceptingAndLetsCallsInFlightFinish() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-record")
        let out = directory.path("grace.jsonl").path
        let record = try RecordProcess(
            upstreamPort: server.port, out: out,
            arguments: try Self.schemaArguments("proto", directory: directory) + ["--grace", "20s"])
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: record.port, group: testGroup)
        let request = try Self.demo("demo.v1.SleepRequest", #"{"duration":"1s"}"#)
        async let sleeping = connection.unary(path: "/demo.v1.Demo/Sleep", request: request)
        try await eventually { record.recordingText.contains(#""type":"message""#) }
        record.send(SIGINT)
        try await eventually { record.stderrText.contains("waiting up to 20s for 1 call(s) in flight") }
        // No new connections once stopping.
        await #expect(throws: (any Error).self) {
            try await ClientConnection.connect(host: "127.0.0.1", port: record.port, group: testGroup)
        }
        let response = await sleeping
        #expect(response.result.status.code == .ok)
        await connection.close()
        #expect(await record.exitStatus() == 0, "\(record.stderrText)")
        await server.shutdown()
        #expect(record.stderrText.contains("recorded 1 call(s)"))
        let call = try #require(try Recording.load(path: out).calls.first)
        #expect(call.responses.first?.json == ["slept": "1s"])
        #expect(call.end?.outcome == .ok)
    }

    @Test func aSecondSignalExitsAtOnceWithEveryWrittenLineIntact() async throws {
        let server = try await DemoServer.start(group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-record")
        let out = directory.path("cut.jsonl").path
        let record = try RecordProcess(
            upstreamPort: server.port, out: out,
            arguments: try Self.schemaArguments("proto", directory: directory) + ["--grace", "60s"])
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: record.port, group: testGroup)
        let events = CallEvents()
        let call = connection.makeCall(path: "/demo.v1.Demo/Countdown", delegate: events)
        call.send(try Self.demo("demo.v1.CountdownRequest", #"{"from":100000,"intervalMs":5}"#), endStream: true)
        try await eventually { record.recordingText.components(separatedBy: #""dir":"response""#).count > 20 }
        record.send(SIGINT)
        try await eventually { record.stderrText.contains("press Ctrl-C again") }
        record.send(SIGINT)
        // The grace period is a minute: exiting within the wait below is the second signal's doing.
        #expect(await record.exitStatus(timeout: .seconds(15)) == 130, "\(record.stderrText)")
        call.cancel()
        await connection.close()
        await server.shutdown(gracePeriod: .zero)

        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(bytes.last == UInt8(ascii: "\n"), "the file ends with a whole line")
        let recording = try Recording.load(path: out)
        #expect(recording.warnings.isEmpty)
        let recorded = try #require(recording.calls.first)
        #expect(recorded.responses.count >= 20)
        #expect(recorded.responses.first?.json == ["number": 100000])
        #expect(recorded.end == nil, "the call was cut off: it has no end event")
    }

    @Test func theLocalCAServesTLSToClientsAndSaysHowToTrustIt() async throws {
        let server = try await DemoServer.start(group: testGroup)
        defer { Task { await server.shutdown() } }
        let directory = try TemporaryDirectory(prefix: "reprise-record")
        let caDirectory = directory.path("ca").path
        let record = try RecordProcess(
            upstreamPort: server.port, out: directory.path("tls.jsonl").path,
            arguments: try Self.schemaArguments("proto", directory: directory) + [
                "--tls-local-ca", "--ca-dir", caDirectory,
            ])
        let certificate = caDirectory + "/ca.pem"
        try await eventually {
            record.stderrText.contains("clients must trust the local CA certificate \(certificate)")
        }
        #expect(record.stderrText.contains("grpcurl -cacert \(certificate) \(record.target) list"))
        let keyMode = try FileManager.default.attributesOfItem(atPath: caDirectory + "/ca.key")[.posixPermissions]
        #expect(keyMode as? Int == 0o600)

        let pem = try String(contentsOfFile: certificate, encoding: .utf8)
        let configuration = ClientConnection.Configuration.defaults {
            $0.tls = .defaults {
                $0.caCertificatesPEM = [pem]
                $0.trustSystemRoots = false
            }
        }
        let connection = try await ClientConnection.connect(
            host: "127.0.0.1", port: record.port, configuration: configuration, group: testGroup)
        let response = await connection.unary(
            path: "/demo.v1.Demo/SayHello", request: try Self.demo("demo.v1.HelloRequest", #"{"name":"tls"}"#))
        await connection.close()
        #expect(response.result.status.code == .ok)
        record.send(SIGTERM)
        #expect(await record.exitStatus() == 0)
    }

    /// The local CA's default place, `~/.reprise/ca`, follows `$HOME` as shells and other tools do (as root,
    /// Foundation's own expansion would give /root whatever `$HOME` says).
    @Test func theLocalCAsDefaultDirectoryIsUnderHOME() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-home")
        let home = directory.path("home").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let record = try RecordProcess(
            upstreamPort: 1, out: directory.path("home.jsonl").path, arguments: ["--tls-local-ca"],
            environment: ["HOME": home])
        let certificate = home + "/.reprise/ca/ca.pem"
        try await eventually {
            record.stderrText.contains("clients must trust the local CA certificate \(certificate)")
        }
        #expect(FileManager.default.fileExists(atPath: certificate))
        record.send(SIGTERM)
        #expect(await record.exitStatus() == 0)
    }
}
