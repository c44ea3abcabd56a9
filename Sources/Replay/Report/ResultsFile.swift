import Engine
import Metrics
import ProtoCodec
import Synchronization

/// `--results FILE.jsonl`: one JSON line per replayed call, written as calls end (buffered, so a loop does
/// not make a system call per call), with the method, the recorded call id, the iteration, both statuses
/// and every difference with its path and both values. Memory holds one buffer, whatever the run's length.
public final class ResultsFile: CallRecordSink {
    private struct State: ~Copyable {
        var file: OutputFile?
        var buffer: [UInt8] = []
        var error: (any Error)?
    }

    /// The file's path.
    public let path: String
    private let state: Mutex<State>
    private static let flushSize = 64 * 1024

    /// Creates (truncates) `path` now, so a path that cannot be written fails before the run.
    public init(path: String) throws(ReplayError) {
        self.path = path
        do {
            state = Mutex(State(file: try OutputFile(path: path)))
        } catch {
            throw ReplayError(.unwritableOutput, "--results \(path): \(error)")
        }
    }

    public func record(_ call: CallRecord) {
        let line = Array((Self.line(call).jsonString() + "\n").utf8)
        state.withLock { state in
            state.buffer += line
            if state.buffer.count >= Self.flushSize { Self.flush(&state) }
        }
    }

    /// Writes what is buffered and closes the file; throws the first write error of the run.
    public func finish() throws(ReplayError) {
        let error = state.withLock { state -> (any Error)? in
            Self.flush(&state)
            do { try state.file?.close() } catch { state.error = state.error ?? error }
            state.file = nil
            return state.error
        }
        if let error { throw ReplayError(.unwritableOutput, "--results \(path): \(error)") }
    }

    private static func flush(_ state: inout State) {
        guard !state.buffer.isEmpty, state.error == nil, let file = state.file else { return }
        do { try file.write(state.buffer) } catch { state.error = error }
        state.buffer.removeAll(keepingCapacity: true)
    }

    /// One call as a JSON object.
    static func line(_ call: CallRecord) -> JSONValue {
        var object = JSONObject()
        object["method"] = .string(call.method)
        object["call"] = .number(JSONNumber(call.recordedCall))
        object["iteration"] = .number(JSONNumber(call.iteration))
        object["verdict"] = .string(call.verdict.rawValue)
        object["recorded"] = status(call.recordedCode, call.recordedMessage, failure: nil, end: call.recordedEnd)
        object["replayed"] = status(call.code, call.message, failure: call.failure)
        object["latency_ms"] = JSONNumber(Double(call.latencyNanoseconds) / 1e6).map(JSONValue.number) ?? .null
        object["differences"] = .array(call.mismatches.map(difference))
        return .object(object)
    }

    private static func status(_ code: Int?, _ message: String, failure: String?, end: ExpectedStatus? = nil)
        -> JSONValue
    {
        var object = JSONObject()
        if let failure {
            object["failure"] = .string(failure)
            return .object(object)
        }
        object["code"] = code.map { .number(JSONNumber($0)) } ?? .null
        // A recorded client's own end says which (as the check does); a status is its code name.
        object["status"] = .string(
            code.map { GoldenChecker.codeName($0) } ?? GoldenChecker.recordedText(nil, "", end: end))
        object["message"] = .string(message)
        return .object(object)
    }

    /// A difference; values that are JSON (fields, messages, status messages) stay JSON.
    static func difference(_ mismatch: Mismatch) -> JSONValue {
        var object = JSONObject()
        object["kind"] = .string(mismatch.kind.rawValue)
        if !mismatch.path.isEmpty { object["path"] = .string(mismatch.path) }
        let json: Bool = [.field, .statusMessage, .missingMessage, .extraMessage].contains(mismatch.kind)
        for (key, text) in [("recorded", mismatch.expected), ("replayed", mismatch.actual)] where text != "(absent)" {
            object[key] = json ? (try? JSONValue(parsing: text)) ?? .string(text) : .string(text)
        }
        return .object(object)
    }
}
