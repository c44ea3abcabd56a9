import Foundation
import ProtoCodec
import TestSupport

/// `reprise import` run as a user runs it, and recordings compared apart from timing and addresses.
enum ImportedRecording {
    /// The schema flags for recordtest.v1 (the grpcio peers' service).
    static let recordSchema = [
        "-I", Repository.fixture("protos/record").path, "--proto", "recordtest/v1/record_test.proto",
    ]

    /// Imports `capture` into `out`, which must exit with `status`; returns the summary line (stderr, with
    /// the error after it when the status is not 0).
    /// `orNothingRecovered`: exit 66 is also fine when the import says it recovered no call (a capture cut
    /// so late that nothing is left).
    @discardableResult static func run(
        _ capture: String, out: String, _ arguments: [String] = [], status: Int32 = 0, orNothingRecovered: Bool = false
    ) throws -> String {
        let command = [try RepriseExecutable.path(), "import", capture, "--out", out, "--overwrite"] + arguments
        let output = try Subprocess.run(command, timeout: .seconds(120))
        let nothing = orNothingRecovered && output.status == 66 && output.stderrText.contains("no call recovered from")
        guard output.status == status || nothing else { throw ProcessFailed(command: command, output: output) }
        return output.stderrText
    }

    /// Each call's events keyed by connection and stream, without times and call ids: what two recordings
    /// of the same traffic must share.
    static func calls(_ path: String) throws -> [String: [JSONValue]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var keys: [Int64: String] = [:]
        var calls: [String: [JSONValue]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let event = try JSONValue(parsing: String(line))
            guard let object = event.objectValue, let call = event["call"]?.int64Value else { continue }
            if event["type"]?.stringValue == "call" {
                keys[call] = "conn \(event["conn"]?.int64Value ?? 0) stream \(event["stream"]?.int64Value ?? 0)"
            }
            let key = keys[call] ?? "call \(call)"
            calls[key, default: []].append(
                .object(JSONObject(object.members.filter { $0.key != "t" && $0.key != "call" })))
        }
        return calls
    }

    /// The header line.
    static func header(_ path: String) throws -> JSONValue {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try JSONValue(parsing: String(text.prefix { $0 != "\n" }))
    }

    /// The header's schema object.
    static func schema(_ path: String) throws -> JSONValue? { try header(path)["schema"] }
}
