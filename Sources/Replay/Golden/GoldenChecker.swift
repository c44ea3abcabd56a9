import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec

/// Compares a replayed call with its recording: the status code (and message), the number of response
/// messages, and each message field by field as proto3 JSON, skipping the fields `rules` name. Without a
/// schema for the method, messages are compared byte for byte.
public struct GoldenChecker: Sendable {
    /// The schema response messages are decoded with.
    public let schema: ClientSchema?
    /// Fields never compared.
    public let rules: [IgnoreRule]
    /// Whether the status message must match too (off: only the code).
    public let compareStatusMessage: Bool

    /// A checker; `schema` nil compares bytes.
    public init(schema: ClientSchema?, rules: [IgnoreRule] = [], compareStatusMessage: Bool = true) {
        self.schema = schema
        self.rules = rules
        self.compareStatusMessage = compareStatusMessage
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
        if let code = call.expected.code {
            if outcome.code != code {
                found.append(Mismatch(.status, expected: Self.codeName(code), actual: Self.codeName(outcome.code)))
            } else if compareStatusMessage, code != 0, outcome.message != call.expected.message {
                found.append(
                    Mismatch(
                        .statusMessage, expected: JSONValue.string(call.expected.message).jsonString(),
                        actual: JSONValue.string(outcome.message).jsonString()))
            }
        }
        let expected = call.expected.responses
        let actual = outcome.responses
        if expected.count != actual.count {
            found.append(Mismatch(.messageCount, expected: "\(expected.count)", actual: "\(actual.count)"))
        }
        let type = try? schema?.method(call.method).outputType
        let name = call.methodName
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
        let prefix = "responses[\(index)]"
        guard let type,
            let left = try? DynamicMessage(type: type, serializedBytes: expected).jsonValue(),
            let right = try? DynamicMessage(type: type, serializedBytes: actual).jsonValue()
        else {
            return [Mismatch(.bytes, path: prefix, expected: Self.describe(expected), actual: Self.describe(actual))]
        }
        let rules = self.rules
        return JSONDiff.differences(left, right) { path in rules.contains { $0.covers(path, method: method) } }
            .map {
                Mismatch(
                    .field, path: prefix + JSONDiff.render($0.path).dropFirst(),
                    expected: $0.expected?.jsonString() ?? "(absent)", actual: $0.actual?.jsonString() ?? "(absent)")
            }
    }

    /// `NOT_FOUND (5)`: a status code as the check names it.
    public static func codeName(_ code: Int?) -> String {
        guard let code else { return "no status" }
        return "\(StatusCode(rawValue: code).name) (\(code))"
    }

    static func describe(_ bytes: [UInt8]) -> String {
        let hex = bytes.prefix(32).map { String(format: "%02x", $0) }.joined()
        return "\(bytes.count) bytes \(hex)\(bytes.count > 32 ? "…" : "")"
    }
}
