import Foundation
import ProtoCodec
import Recording
import TestSupport

/// The demo's golden recording (`recordings/demo.jsonl`, k6 traffic recorded through the proxy), and
/// edited copies of it: the way a server regression would show up.
enum GoldenRecording {
    static let path = Repository.root.appendingPathComponent("recordings/demo.jsonl").path

    static func lines() throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func load() throws -> Recording { try Recording.load(path: path) }

    /// The recording with `edit` applied to every event line (the header is kept as it is).
    static func edited(_ edit: (inout JSONObject) -> Void) throws -> Recording {
        let out = try editedLines(edit)
        return try Recording(parsing: Array((out.joined(separator: "\n") + "\n").utf8), name: "edited.jsonl")
    }

    /// The lines of the recording with `edit` applied to every event line.
    static func editedLines(_ edit: (inout JSONObject) -> Void) throws -> [String] {
        var out: [String] = []
        for (index, line) in try lines().enumerated() {
            guard index > 0, case .object(var object) = try JSONValue(parsing: line) else {
                out.append(line)
                continue
            }
            edit(&object)
            out.append(JSONValue.object(object).jsonString())
        }
        return out
    }

    /// The first SayHello's response says "Hello, `name`!" instead of what the server answered.
    static func helloAnswers(_ name: String, call: Int) -> (inout JSONObject) -> Void {
        let text = Array("Hello, \(name)!".utf8)
        let bytes: [UInt8] = [0x0A, UInt8(text.count)] + text
        return { line in
            if line["type"] == "message", line["call"]?.int64Value == Int64(call), line["dir"] == "response" {
                line["raw"] = .string(Data(bytes).base64EncodedString())
            }
        }
    }

    /// The call ids of the calls to `method` (`/pkg.Service/Method`).
    static func calls(to method: String) throws -> [Int] {
        try load().calls.filter { $0.start.method == method }.map(\.start.call)
    }
}
