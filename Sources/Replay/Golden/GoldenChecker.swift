import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import Recording

/// Compares a replayed call with its recording: the status code (and message), the number of response
/// messages (showing the missing or extra ones), and each message field by field as proto3 JSON under
/// ``CompareRules``. Without a schema for the method, messages are compared byte for byte.
public struct GoldenChecker: Sendable {
    /// The schema response messages are decoded with.
    public let schema: ClientSchema?
    /// How fields are compared.
    public let rules: CompareRules
    /// How often each rule was used (see ``unusedRules``).
    public let usage: RuleUsage

    /// A checker; `schema` nil compares bytes.
    public init(schema: ClientSchema?, rules: CompareRules) {
        self.schema = schema
        self.rules = rules
        usage = RuleUsage(count: rules.descriptions.count)
    }

    /// A checker with only ignore rules.
    public init(schema: ClientSchema?, rules: [IgnoreRule] = [], compareStatusMessage: Bool = true) {
        self.init(schema: schema, rules: CompareRules(ignore: rules, compareStatusMessage: compareStatusMessage))
    }

    /// Whether the status message must match too.
    public var compareStatusMessage: Bool { rules.compareStatusMessage }

    /// The rules, as written, that changed no comparison during the run.
    public var unusedRules: [String] {
        zip(rules.descriptions, usage.uses).filter { $0.1 == 0 }.map(\.0)
    }

    /// Compares the values of each of `keys` in the recorded and replayed metadata (all of a key's values,
    /// in order; `-bin` values as bytes). A redacted recorded value is not compared.
    private func compareMetadata(
        _ kind: Mismatch.Kind, _ part: String, _ keys: [String], _ recorded: [MetadataEntry], _ replayed: Metadata,
        _ method: String, _ found: inout [Mismatch]
    ) {
        for key in keys {
            let expected = recorded.filter { $0.key == key }
            if expected.contains(where: { $0.value == RecordingFormat.redactedMarker }) { continue }
            let binary = key.hasSuffix("-bin")
            let expectedBytes = expected.map {
                binary ? ($0.binaryValue ?? Array($0.value.utf8)) : Array($0.value.utf8)
            }
            let actualBytes = replayed[key].map(\.bytes)
            guard expectedBytes != actualBytes else { continue }
            if let rule = rules.metadataIgnoreRule(part, key, method: method) {
                usage.use(rule)
                continue
            }
            func show(_ values: [[UInt8]]) -> String {
                if values.isEmpty { return "(absent)" }
                let texts = values.map {
                    binary ? Base64.encode($0, padded: true) : String(decoding: $0, as: UTF8.self)
                }
                return texts.map { JSONValue.string($0).jsonString() }.joined(separator: ", ")
            }
            found.append(
                Mismatch(kind, path: "\(part).\(key)", expected: show(expectedBytes), actual: show(actualBytes)))
        }
    }

    /// The differences between `outcome` and what `call` recorded; empty when they agree.
    public func check(_ call: PlannedCall, _ outcome: CallOutcome) -> [Mismatch] {
        if let failure = outcome.failure {
            return [
                Mismatch(
                    .failure, expected: call.expected.code.map(Self.codeName) ?? "no status",
                    actual: "never reached the server: \(failure)")
            ]
        }
        var found: [Mismatch] = []
        let name = call.methodName
        if let end = call.expectedEnd, case .clientEnd = end, let code = outcome.code,
            !end.isMet(by: code, fromServer: outcome.statusFromServer)
        {
            // The recorded client gave up before the server answered; this server answered.
            found.append(
                Mismatch(
                    .status, expected: Self.expectedText(call), actual: Self.statusText(outcome.code, outcome.message)))
        }
        if let code = call.expected.code {
            if outcome.code != code {
                found.append(
                    Mismatch(
                        .status, expected: Self.statusText(code, call.expected.message),
                        actual: Self.statusText(outcome.code, outcome.message)))
            } else if code != 0, outcome.message != call.expected.message {
                let (compare, rule) = rules.statusMessageRule(method: name)
                if let rule { usage.use(rule) }
                if compare {
                    found.append(
                        Mismatch(
                            .statusMessage, path: "status.message",
                            expected: JSONValue.string(call.expected.message).jsonString(),
                            actual: JSONValue.string(outcome.message).jsonString()))
                }
            }
        }
        compareMetadata(.header, "headers", rules.headers, call.expected.headers, outcome.headers, name, &found)
        compareMetadata(.trailer, "trailers", rules.trailers, call.expected.trailers, outcome.trailers, name, &found)
        let expected = call.expected.responses
        // Where the recording stops because its connection failed, what the server sends after that is not known.
        let actual = call.answerCutShort == nil ? outcome.responses[...] : outcome.responses.prefix(expected.count)
        let type = try? schema?.method(call.method).outputType
        if expected.count != actual.count {
            found.append(Mismatch(.messageCount, expected: "\(expected.count)", actual: "\(actual.count)"))
            for index in actual.count..<max(actual.count, expected.count) {
                found.append(
                    Mismatch(
                        .missingMessage, path: FieldPath.render(message: index, []),
                        expected: Self.text(expected[index], type: type), actual: "(absent)"))
            }
            for index in expected.count..<max(actual.count, expected.count) {
                found.append(
                    Mismatch(
                        .extraMessage, path: FieldPath.render(message: index, []), expected: "(absent)",
                        actual: Self.text(Array(buffer: actual[index]), type: type)))
            }
        }
        for index in 0..<min(expected.count, actual.count) where !Self.same(expected[index], actual[index]) {
            found += compare(expected[index], Array(buffer: actual[index]), type: type, method: name, index: index)
        }
        return found
    }

    /// Whether the received bytes are the recorded ones, compared in place.
    static func same(_ recorded: [UInt8], _ received: ByteBuffer) -> Bool {
        guard recorded.count == received.readableBytes else { return false }
        return recorded.withUnsafeBytes { left in
            received.withUnsafeReadableBytes { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }

    private func compare(_ expected: [UInt8], _ actual: [UInt8], type: MessageType?, method: String, index: Int)
        -> [Mismatch]
    {
        guard let type,
            let left = try? DynamicMessage(type: type, serializedBytes: expected).jsonValue(),
            let right = try? DynamicMessage(type: type, serializedBytes: actual).jsonValue()
        else {
            return [
                Mismatch(
                    .bytes, path: FieldPath.render(message: index, []), expected: Self.describe(expected),
                    actual: Self.describe(actual))
            ]
        }
        let diff = JSONDiff(rules: rules, method: method, message: index, usage: usage)
        return diff.differences(left, right).map {
            Mismatch(
                .field, path: FieldPath.render(message: index, $0.path),
                expected: ($0.expected?.jsonString() ?? "(absent)")
                    + ($0.wanted.map { " (the rules want a match of /\($0)/)" } ?? ""),
                actual: $0.actual?.jsonString() ?? "(absent)")
        }
    }

    /// `NOT_FOUND (5)`: a status code as the check names it.
    public static func codeName(_ code: Int?) -> String {
        guard let code else { return "no status" }
        return "\(StatusCode(rawValue: code).name) (\(code))"
    }

    /// `UNAVAILABLE (14) "connection reset"`: a status with its message, when it has one.
    public static func statusText(_ code: Int?, _ message: String) -> String {
        message.isEmpty ? codeName(code) : "\(codeName(code)) \(JSONValue.string(message).jsonString())"
    }

    /// What the recording says `call` ended with, as the check names it: its status, or that the client
    /// cancelled it before any status came.
    public static func expectedText(_ call: PlannedCall) -> String {
        recordedText(call.expected.code, call.expected.message, end: call.expectedEnd)
    }

    /// A recorded end as the check names it: the status with its message, or that the client gave up.
    public static func recordedText(_ code: Int?, _ message: String, end: ExpectedStatus?) -> String {
        switch end {
        case .clientEnd(atDeadline: true): "no status (the deadline passed first)"
        case .clientEnd(atDeadline: false): "no status (the client cancelled the call first)"
        case .code, nil: statusText(code, message)
        }
    }

    /// A whole message as JSON when it decodes, else as bytes.
    static func text(_ bytes: [UInt8], type: MessageType?) -> String {
        if let type, let json = try? DynamicMessage(type: type, serializedBytes: bytes).jsonValue() {
            return json.jsonString()
        }
        return describe(bytes)
    }

    static func describe(_ bytes: [UInt8]) -> String {
        let hex = bytes.prefix(32).map { String(format: "%02x", $0) }.joined()
        return "\(bytes.count) bytes \(hex)\(bytes.count > 32 ? "…" : "")"
    }
}
