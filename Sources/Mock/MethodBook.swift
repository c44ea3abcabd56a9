import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import Recording
import Replay

/// The recorded calls of one method, ready to match requests against: the answer sets, an index by exact
/// request bytes for the fast path, and the schema and rules for matching by fields.
final class MethodBook: Sendable {
    /// The outcome of matching a request.
    enum Match {
        case answer(RecordedAnswer)
        /// No recorded call matches; why, naming the nearest one.
        case miss(String)
    }

    let path: String
    let kind: RPCKind
    /// Whether the call is matched on its first request message instead of all of them (bidirectional
    /// streams answer before the client is done).
    let matchesFirstMessage: Bool
    let sets: [AnswerSet]
    private let bySingleRequest: [ByteBuffer: [Int]]
    private let inputType: MessageType?
    private let rules: CompareRules
    private let matchHeaders: [String]

    init(
        path: String, kind: RPCKind, sets: [AnswerSet], inputType: MessageType?, rules: CompareRules,
        matchHeaders: [String]
    ) {
        self.path = path
        self.kind = kind
        self.matchesFirstMessage = kind == .bidi
        self.sets = sets
        self.inputType = inputType
        self.rules = rules
        self.matchHeaders = matchHeaders
        var index: [ByteBuffer: [Int]] = [:]
        for (position, set) in sets.enumerated() where set.requests.count == 1 {
            index[set.requests[0], default: []].append(position)
        }
        bySingleRequest = index
    }

    /// The answer for `requests` (the first only, for a bidirectional stream) with `metadata`: the same
    /// bytes first (the hot path, no decoding), then the same decoded fields under the rules.
    func match(requests: RequestMessages, metadata: Metadata) -> Match {
        let values = matchHeaders.isEmpty ? [] : Self.headerValues(matchHeaders, in: metadata)
        if requests.count == 1, let candidates = bySingleRequest[requests.first!] {
            for position in candidates where sets[position].headerValues == values {
                return .answer(sets[position].take())
            }
        }
        let received = requests.all
        let receivedJSON = decode(received)
        var nearest: (set: AnswerSet, paths: [String])?
        for set in sets {
            var paths: [String] = []
            for (key, (recorded, got)) in zip(matchHeaders, zip(set.headerValues, values)) where recorded != got {
                paths.append("metadata \(key) (recorded \"\(recorded)\", received \"\(got)\")")
            }
            paths += differences(set, received, receivedJSON)
            if paths.isEmpty { return .answer(set.take()) }
            if nearest == nil || paths.count < nearest!.paths.count { nearest = (set, paths) }
        }
        guard let nearest else { return .miss("\(path) was never recorded") }
        let shown = nearest.paths.prefix(8).joined(separator: ", ")
        let more = nearest.paths.count > 8 ? " and \(nearest.paths.count - 8) more" : ""
        return .miss(
            "no recorded call of \(path) matches this request; the nearest is \(nearest.set.first.origin), "
                + "which differs at \(shown)\(more)")
    }

    private func decode(_ messages: [ByteBuffer]) -> [JSONValue]? {
        guard let inputType else { return nil }
        var json: [JSONValue] = []
        for message in messages {
            guard
                let value = try? message.withUnsafeReadableBytes({ bytes in
                    try DynamicMessage(type: inputType, serializedBytes: bytes).jsonValue()
                })
            else { return nil }
            json.append(value)
        }
        return json
    }

    /// The paths where the received request messages differ from the set's: fields under the rules when
    /// both sides decode, whole messages by bytes otherwise.
    private func differences(_ set: AnswerSet, _ received: [ByteBuffer], _ receivedJSON: [JSONValue]?) -> [String] {
        var paths: [String] = []
        let method = String(path.dropFirst())
        for index in 0..<max(set.requests.count, received.count) {
            let prefix = "requests[\(index)]"
            guard index < set.requests.count else {
                paths.append("\(prefix) (not recorded)")
                continue
            }
            guard index < received.count else {
                paths.append("\(prefix) (recorded, not received)")
                continue
            }
            if let recordedJSON = set.requestJSON, let receivedJSON {
                for field in rules.differingFields(
                    recorded: recordedJSON[index], received: receivedJSON[index], method: method, message: index)
                {
                    let values =
                        " (recorded \(Self.shortened(field.recorded)), received \(Self.shortened(field.received)))"
                    paths.append((field.path.isEmpty ? prefix : "\(prefix).\(field.path)") + values)
                }
            } else if set.requests[index] != received[index] {
                paths.append("\(prefix) (bytes; no schema to compare fields)")
            }
        }
        return paths
    }

    /// A value as a miss shows it: its JSON, cut to 60 characters; `absent` for a field one side lacks.
    static func shortened(_ json: String?) -> String {
        guard let json else { return "absent" }
        return json.count > 60 ? json.prefix(57) + "..." : json
    }

    /// The values of `keys` in `metadata` as compared: text as is, binary values as unpadded base64, several
    /// values joined by commas.
    static func headerValues(_ keys: [String], in metadata: Metadata) -> [String] {
        keys.map { key in
            metadata[key].map { value -> String in
                if case .binary(let bytes) = value { return Base64.encode(bytes, padded: false) }
                return value.text
            }.joined(separator: ",")
        }
    }
}

/// The request messages a call received, without an array for the usual single one.
struct RequestMessages {
    private(set) var first: ByteBuffer?
    private var rest: [ByteBuffer] = []

    var count: Int { first == nil ? 0 : 1 + rest.count }

    mutating func append(_ message: ByteBuffer) {
        if first == nil { first = message } else { rest.append(message) }
    }

    var all: [ByteBuffer] { first.map { [$0] + rest } ?? [] }
}
