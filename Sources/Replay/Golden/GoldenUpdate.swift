import Engine
import Foundation
import GRPCProtocol
import LocalFile
import ProtoCodec

/// `--update`: the golden recording rewritten with the replayed responses of the calls that differed. Every
/// other line stays byte for byte (header and schema, requests, metadata, order, timing); a changed call's
/// response messages take the new bytes at the recorded times (extra ones at the trailers' time, missing
/// ones removed), and its trailers the new status.
public struct GoldenUpdate {
    /// The calls rewritten, by recorded call id.
    public private(set) var updatedCalls: [Int] = []
    /// The new recording's text.
    public private(set) var text = ""

    /// Computes the update of the recording at `path` (whose calls `plan` holds) from `capture`; `schema`
    /// writes the new messages' `json`.
    public init(recordingAt path: String, plan: ReplayPlan, capture: ResponseCapture, schema: ClientSchema?)
        throws(ReplayError)
    {
        let original: String
        do {
            original = try LocalFile.readText(path)
        } catch {
            throw ReplayError(.unreadableInput, "\(path): cannot read the recording again: \(error.reason)")
        }
        let captured = capture.captured
        var changes: [Int: (call: PlannedCall, capture: ResponseCapture.Captured)] = [:]
        for (index, call) in plan.calls.enumerated() {
            guard let capture = captured[index], capture.differs, capture.code != nil, call.expected.code != nil
            else { continue }
            changes[call.recordedCall] = (call, capture)
        }
        updatedCalls = changes.keys.sorted()
        var written: [Int: Int] = [:]
        var out = ""
        out.reserveCapacity(original.utf8.count)
        for (number, line) in original.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard number > 0, !line.isEmpty, line.contains("\"call\""),
                case .object(var object)? = try? JSONValue(parsing: String(line)),
                let id = object["call"]?.int64Value.map(Int.init), let change = changes[id]
            else {
                out += line + "\n"
                continue
            }
            let type = try? schema?.method(change.call.method).outputType
            let responses = change.capture.responses
            switch object["type"]?.stringValue {
            case "message" where object["dir"]?.stringValue == "response":
                let index = written[id, default: 0]
                guard index < responses.count else { continue }  // the server sends fewer now
                written[id] = index + 1
                Self.setMessage(&object, bytes: responses[index], type: type)
                out += JSONValue.object(object).jsonString() + "\n"
            case "trailers":
                for index in written[id, default: 0]..<max(written[id, default: 0], responses.count) {
                    var message: JSONObject = [
                        "type": "message", "t": object["t"] ?? 0, "call": .number(JSONNumber(id)), "dir": "response",
                    ]
                    Self.setMessage(&message, bytes: responses[index], type: type)
                    out += JSONValue.object(message).jsonString() + "\n"
                }
                written[id] = responses.count
                let code = change.capture.code ?? 0
                if object["code"]?.int64Value != Int64(code) { object["details"] = .array([]) }
                object["code"] = .number(JSONNumber(code))
                object["message"] = .string(change.capture.message)
                if !responses.isEmpty, object["trailers_only"] != nil { object["trailers_only"] = false }
                out += JSONValue.object(object).jsonString() + "\n"
            default:
                out += line + "\n"
            }
        }
        // `split` gives an empty last piece for the final newline.
        if out.hasSuffix("\n\n") { out.removeLast() }
        text = out
    }

    /// Writes the new recording over `path` atomically.
    public func write(to path: String) throws(ReplayError) {
        do {
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch {
            throw ReplayError(.unwritableOutput, "--update \(path): \(error)")
        }
    }

    private static func setMessage(_ object: inout JSONObject, bytes: [UInt8], type: MessageType?) {
        for key in ["json", "raw", "size", "compressed", "decode_error", "redacted", "raw_fields"] {
            object[key] = nil
        }
        if let type, let json = try? DynamicMessage(type: type, serializedBytes: bytes).jsonValue() {
            object["json"] = json
        }
        object["raw"] = .string(Base64.encode(bytes))
        object["size"] = .number(JSONNumber(bytes.count))
        object["compressed"] = false
    }
}
