import Foundation
import ProtoCodec
import ProtoSchema
import TestSupport

/// One run of the differential test against Python's protobuf: Python compiles every corpus file and
/// makes seeded random messages (one process), the Swift codec checks and re-renders every case, and
/// Python verifies Swift's renderings (a second process). Shared by the parameterised tests.
final class DifferentialRun: Sendable {
    /// Every `.proto` under fixtures/protos, relative to it (globbed when the tests are listed, so new
    /// corpus files join automatically).
    static var corpusFiles: [String] {
        let root = CodecFixtures.protoRoot
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".proto") }.sorted()
    }

    static let seed = Int(ProcessInfo.processInfo.environment["REPRISE_CODEC_SEED"] ?? "") ?? 20_260_101
    static let countPerType = Int(ProcessInfo.processInfo.environment["REPRISE_CODEC_COUNT"] ?? "") ?? 12

    /// The run, or why it could not happen (reported by every test that needs it).
    static let shared: Result<DifferentialRun, RunFailure> = {
        do {
            return .success(try DifferentialRun())
        } catch {
            return .failure(RunFailure(description: "the differential run could not start: \(error)"))
        }
    }()

    /// Why the run could not happen.
    struct RunFailure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// Per corpus file: whether it compiled, the number of cases, and the disagreements found.
    struct Outcome: Sendable {
        var compiled = false
        /// Why Python's descriptor pool refused the file protoc compiled, when it did.
        var pythonRejects: String?
        var cases = 0
        var findings: [String] = []
    }

    let outcomes: [String: Outcome]
    private let directory: TemporaryDirectory

    private init() throws {
        directory = try TemporaryDirectory(prefix: "reprise-codec-diff")
        let script = Repository.fixture("peers/codec_peer.py").path
        // REPRISE_CODEC_WORKDIR keeps the exchanged files (cases, Swift's renderings, verdicts).
        let out = ProcessInfo.processInfo.environment["REPRISE_CODEC_WORKDIR"] ?? directory.url.path
        try Subprocess.check(
            [
                try Repository.python(), script, "generate", CodecFixtures.protoRoot.path, out, String(Self.seed),
                String(Self.countPerType),
            ], timeout: .seconds(300))

        let index = try JSONValue(
            parsing: Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("index.json")))
        let groupList = index["groups"]?.arrayValue ?? []
        var registries: [Int: MessageRegistry] = [:]
        var outcomes: [String: Outcome] = [:]
        for (number, group) in groupList.enumerated() {
            let file = group["file"]?.stringValue ?? "?"
            var outcome = Outcome()
            if let path = group["protoset"]?.stringValue {
                outcome.compiled = true
                registries[number] = try MessageRegistry(pool: DescriptorPool(protosetAt: path))
            }
            outcome.pythonRejects = group["pythonRejects"]?.stringValue
            outcomes[file] = outcome
        }
        let fileOfGroup = groupList.map { $0["file"]?.stringValue ?? "?" }

        var swiftLines: [UInt8] = []
        let cases = try String(
            contentsOf: URL(fileURLWithPath: out).appendingPathComponent("cases.jsonl"), encoding: .utf8)
        for line in cases.split(separator: "\n") {
            let item = try JSONValue(parsing: String(line))
            guard let group = item["group"]?.int64Value.map(Int.init), let registry = registries[group] else {
                continue
            }
            let file = fileOfGroup[group]
            outcomes[file]?.cases += 1
            let (findings, rendering) = Self.check(item, registry: registry)
            outcomes[file]?.findings += findings
            if let rendering { swiftLines += rendering.jsonUTF8() + [0x0A] }
        }
        try Data(swiftLines).write(to: URL(fileURLWithPath: out).appendingPathComponent("swift.jsonl"))
        try Subprocess.check([try Repository.python(), script, "verify", out], timeout: .seconds(300))
        let verdicts = try String(
            contentsOf: URL(fileURLWithPath: out).appendingPathComponent("verdicts.jsonl"), encoding: .utf8)
        for line in verdicts.split(separator: "\n") {
            let verdict = try JSONValue(parsing: String(line))
            guard let group = verdict["group"]?.int64Value.map(Int.init) else { continue }
            let seed = verdict["seed"]?.stringValue ?? "?"
            for problem in verdict["problems"]?.arrayValue ?? [] {
                outcomes[fileOfGroup[group]]?.findings.append("\(seed): Python: \(problem.stringValue ?? "?")")
            }
        }
        self.outcomes = outcomes
        // For digging into failures: REPRISE_CODEC_FINDINGS=/tmp/findings.txt keeps every finding.
        if let path = ProcessInfo.processInfo.environment["REPRISE_CODEC_FINDINGS"] {
            let text = outcomes.sorted { $0.key < $1.key }.flatMap { file, outcome in
                outcome.findings.map { "[\(file)] \($0)" }
            }
            try text.joined(separator: "\n\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// The message with every `Any` value re-encoded deterministically, so messages whose `Any`s hold
    /// equal contents compare equal even when the contents were serialized with maps in another order.
    static func canonicalAny(_ message: DynamicMessage) -> DynamicMessage {
        var result = message
        for (field, value) in message.populatedFields {
            switch value {
            case .message(let inner):
                result[field] = .message(canonicalAny(inner))
            case .list(.messages(let list)):
                result[field] = .list(.messages(list.map(canonicalAny)))
            case .map(let map):
                result[field] = .map(
                    MapValue(
                        map.entries.map { entry in
                            guard case .message(let inner) = entry.value else { return entry }
                            return MapValue.Entry(key: entry.key, value: .message(canonicalAny(inner)))
                        }))
            default:
                break
            }
        }
        if message.descriptor.wellKnownType == .any, let url = message["type_url"]?.stringValue,
            let type = message.type.registry.type(forTypeURL: url),
            let inner = try? DynamicMessage(type: type, serializedBytes: message["value"]?.bytesValue ?? []),
            let bytes = try? canonicalAny(inner).serializedBytes(options: .with { $0.deterministic = true })
        {
            result["value"] = .bytes(bytes)
        }
        return result
    }

    /// Whether the message or any message inside it has extension values.
    static func hasExtensions(_ message: DynamicMessage) -> Bool {
        for (field, value) in message.populatedFields {
            if field.isExtension { return true }
            switch value {
            case .message(let inner): if hasExtensions(inner) { return true }
            case .list(.messages(let list)): if list.contains(where: hasExtensions) { return true }
            case .map(let map):
                for entry in map.entries {
                    if case .message(let inner) = entry.value, hasExtensions(inner) { return true }
                }
            default: break
            }
        }
        return false
    }

    /// Python writes an Any holding Empty without `"value": {}`; protojson (k6) and Swift write it.
    static func anyEmptyWithValue(_ json: JSONValue) -> JSONValue {
        switch json {
        case .object(var object):
            for index in object.members.indices {
                object.members[index].value = anyEmptyWithValue(object.members[index].value)
            }
            if object["@type"]?.stringValue?.hasSuffix("/google.protobuf.Empty") == true, object["value"] == nil {
                object["value"] = .object(JSONObject())
            }
            return .object(object)
        case .array(let elements):
            return .array(elements.map(anyEmptyWithValue))
        default:
            return json
        }
    }

    /// Checks one case on the Swift side; returns the disagreements and Swift's renderings for Python.
    private static func check(_ item: JSONValue, registry: MessageRegistry) -> ([String], JSONValue?) {
        let seed = item["seed"]?.stringValue ?? "?"
        guard let typeName = item["type"]?.stringValue, let type = registry.type(named: typeName) else {
            return (["\(seed): type not in the registry"], nil)
        }
        let binary = Array(Data(base64Encoded: item["binary"]?.stringValue ?? "") ?? Data())
        let hasUnknown = item["unknown"]?.boolValue ?? false
        var findings: [String] = []
        func note(_ text: String) { findings.append("\(seed): \(text)") }

        let message: DynamicMessage
        do {
            message = try DynamicMessage(type: type, serializedBytes: binary)
        } catch {
            return (["\(seed): Python's binary does not decode: \(error)"], nil)
        }
        // Decoding keeps map entries in wire order, so writing them back in insertion order must give
        // Python's bytes exactly. (Deterministic map order differs: upb's is its own, checked below by
        // Python re-serializing Swift's deterministic bytes.)
        let deterministic = BinaryEncodingOptions.with { $0.deterministic = true }
        do {
            let again = try message.serializedBytes()
            // upb writes extensions in descending number order; those messages are compared by Python
            // re-serializing Swift's bytes instead.
            if again != binary, !Self.hasExtensions(message) {
                note("re-encoded binary differs:\n  python \(binary.hex)\n  swift  \(again.hex)")
            }
            let sorted = try message.serializedBytes(options: deterministic)
            if try DynamicMessage(type: type, serializedBytes: sorted) != message {
                note("deterministic bytes read back as a different message: \(sorted.hex)")
            }
        } catch {
            note("re-encoding fails: \(error)")
        }

        let renderings: [(key: String, options: JSONEncodingOptions)] = [
            ("json", .with { $0.unpopulated = .emittedWithoutPresence }),
            ("json_omitted", .with { $0.unpopulated = .omitted }),
            (
                "json_proto_names",
                .with {
                    $0.unpopulated = .omitted
                    $0.useProtoNames = true
                }
            ),
        ]
        for (key, options) in renderings {
            guard let text = item[key]?.stringValue else { continue }
            do {
                let python = Self.anyEmptyWithValue(try JSONValue(parsing: text))
                let swift = try message.jsonValue(options: options)
                if let difference = JSONEquivalence.difference(python, swift) {
                    note("\(key) differs at \(difference)\n  python \(text)\n  swift  \(swift)")
                }
                if !hasUnknown {
                    let parsed = try DynamicMessage(type: type, json: python)
                    if Self.canonicalAny(parsed) != Self.canonicalAny(message) {
                        let bytes = try parsed.serializedBytes(options: deterministic)
                        note("Python's \(key) reads back differently:\n  python \(binary.hex)\n  swift  \(bytes.hex)")
                    }
                }
            } catch {
                note("\(key): \(error)\n  python \(text)")
            }
        }
        if let error = item["json_error"]?.stringValue {
            if (try? message.jsonUTF8Bytes()) != nil { note("Python cannot write JSON (\(error)) but Swift can") }
        }

        var rendering: JSONValue = [
            "group": item["group"] ?? nil, "type": .string(typeName), "seed": .string(seed),
            "binary": item["binary"] ?? nil,
        ]
        do {
            rendering["swift_binary"] = .string(
                Data(try message.serializedBytes(options: deterministic)).base64EncodedString())
            if !hasUnknown, item["json_error"] == nil {
                rendering["swift_json"] = .string(try message.jsonString())
                // Python names groups by field, protojson (k6) by type; Python only renders proto names
                // for types without groups.
                if item["json_proto_names"] != nil {
                    rendering["swift_json_proto_names"] = .string(
                        try message.jsonString(
                            options: .with {
                                $0.useProtoNames = true
                                $0.unpopulated = .omitted
                            }))
                }
                rendering["swift_json_omitted"] = .string(
                    try message.jsonString(options: .with { $0.unpopulated = .omitted }))
            }
        } catch {
            note("rendering for Python fails: \(error)")
            return (findings, nil)
        }
        return (findings, rendering)
    }
}
