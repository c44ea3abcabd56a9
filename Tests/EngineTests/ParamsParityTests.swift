import DemoServer
import Engine
import Foundation
import NIOCore
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// k6's params validation, case by case: k6 v1.1.0 runs every case of Peers/k6-params-cases.json and
/// Reprise's parsers must accept and reject the same ones with the same words.
@Suite("k6 params parity")
struct ParamsParityTests {
    /// What k6 said about each case, by kind and index (nil: accepted).
    static func k6Verdicts(address: String) async throws -> [String: String?] {
        let k6 = try Repository.venvTool("k6")
        let peers = Repository.root.appendingPathComponent("Tests/EngineTests/Peers")
        let result = try await Subprocess.offThread {
            try Subprocess.run(
                [k6, "run", "--quiet", "--no-usage-report", "--log-format", "json", "k6-params.js"],
                environment: ["ADDR": address, "K6_NO_USAGE_REPORT": "true"], currentDirectory: peers)
        }
        #expect(result.status == 0, "\(result.stderrText)")
        var verdicts: [String: String?] = [:]
        for line in result.stderrText.split(separator: "\n") + result.stdoutText.split(separator: "\n") {
            guard let log = try? JSONValue(parsing: String(line)), let message = log["msg"]?.stringValue,
                let verdict = try? JSONValue(parsing: message), let kind = verdict["kind"]?.stringValue,
                let index = verdict["index"]?.int64Value
            else { continue }
            verdicts["\(kind)/\(index)"] = verdict["error"]?.stringValue
        }
        return verdicts
    }

    @Test func invokeAndConnectParamsAreValidatedLikeK6() async throws {
        let server = try await DemoServer.start(group: MultiThreadedEventLoopGroup.singleton)
        let verdicts = try await Self.k6Verdicts(address: "127.0.0.1:\(server.port)")
        await server.shutdown(gracePeriod: .milliseconds(100))
        let cases = try JSONValue(
            parsing: try Data(
                contentsOf: Repository.root.appendingPathComponent("Tests/EngineTests/Peers/k6-params-cases.json")))
        let invokeCases = try #require(cases["invoke"]?.arrayValue)
        let connectCases = try #require(cases["connect"]?.arrayValue)
        #expect(verdicts.count == invokeCases.count + connectCases.count)

        for (index, params) in invokeCases.enumerated() {
            let ours: String?
            do {
                _ = try CallParams(json: params, context: .invoke)
                ours = nil
            } catch {
                ours = error.message
            }
            #expect(ours == verdicts["invoke/\(index)"] ?? nil, "invoke case \(index): \(params.jsonString())")
        }
        for (index, params) in connectCases.enumerated() {
            let ours: String?
            do {
                _ = try ConnectParams(json: params)
                ours = nil
            } catch {
                ours = error.message
            }
            let theirs = verdicts["connect/\(index)"] ?? nil
            if params["authority"] != nil {
                // k6 v1.1.0 predates `authority` (v1.2.0); Reprise follows v1.2+ and rejects a non-string.
                #expect(theirs?.contains(#"unknown connect param: "authority""#) == true)
                #expect(
                    ours == #"invalid grpc.connect() parameters: invalid authority value: '1', it needs to be a string"#
                )
            } else {
                #expect(ours == theirs, "connect case \(index): \(params.jsonString())")
            }
        }
    }
}
