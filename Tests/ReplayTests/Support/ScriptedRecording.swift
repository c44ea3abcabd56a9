import Foundation
import Recording

/// A recording written line by line in a test: the shape of traffic the test needs (a late half-close, a
/// bidirectional exchange, a call on its own connection), without a schema.
struct ScriptedRecording {
    private var lines = [
        #"{"type":"header","format":"reprise-recording","version":1,"created":"2026-12-04T10:00:00.000Z","#
            + #""source":{"kind":"proxy","listen":"127.0.0.1:1","upstream":"127.0.0.1:2","tls":"none"}}"#
    ]
    private var nextCall = 1

    /// Starts a call with `metadata` (JSON pairs, `["user-agent","grpc-go/1.70.0"]`); returns its id.
    mutating func call(
        _ method: String, kind: String, at time: Int64, connection: Int = 1, timeout: Int64? = nil,
        metadata: [String] = []
    ) -> Int {
        let id = nextCall
        nextCall += 1
        let deadline = timeout.map { #","timeout_ns":\#($0)"# } ?? ""
        let pairs = metadata.joined(separator: ",")
        lines.append(
            #"{"type":"call","t":\#(time),"call":\#(id),"conn":\#(connection),"stream":\#(id * 2 - 1),"#
                + #""method":"\#(method)","kind":"\#(kind)","metadata":[\#(pairs)]\#(deadline),"#
                + #""encoding":"identity"}"#)
        return id
    }

    /// A message in either direction.
    mutating func message(_ call: Int, _ direction: String, _ bytes: [UInt8], at time: Int64) {
        lines.append(
            #"{"type":"message","t":\#(time),"call":\#(call),"dir":"\#(direction)","#
                + #""raw":"\#(Data(bytes).base64EncodedString())","size":\#(bytes.count),"compressed":false}"#)
    }

    /// Any other event line, as JSON members after `type`, `t` and `call`.
    mutating func event(_ type: String, _ call: Int, at time: Int64, _ members: String = "") {
        let rest = members.isEmpty ? "" : "," + members
        lines.append(#"{"type":"\#(type)","t":\#(time),"call":\#(call)\#(rest)}"#)
    }

    /// The status and the end of a call.
    mutating func finish(_ call: Int, code: Int, message: String = "", at time: Int64) {
        event("trailers", call, at: time, #""code":\#(code),"message":"\#(message)","details":[],"metadata":[]"#)
        event("end", call, at: time, #""outcome":"ok""#)
    }

    /// A whole unary call starting at `time`: its request, its response (if any) and its status, a
    /// microsecond apart. Returns its id.
    @discardableResult
    mutating func unary(
        _ method: String, request: [UInt8] = [1], response: [UInt8]? = [1, 2, 3], code: Int = 0, message: String = "",
        at time: Int64, connection: Int = 1, timeout: Int64? = nil, metadata: [String] = []
    ) -> Int {
        let id = call(method, kind: "unary", at: time, connection: connection, timeout: timeout, metadata: metadata)
        self.message(id, "request", request, at: time + 1_000)
        if let response { self.message(id, "response", response, at: time + 2_000) }
        finish(id, code: code, message: message, at: time + 3_000)
        return id
    }

    /// The text of the recording.
    var text: String { lines.joined(separator: "\n") + "\n" }

    /// The recording, parsed as the replayer reads it.
    func recording() throws -> Recording {
        try Recording(parsing: Array(text.utf8), name: "scripted.jsonl")
    }
}
