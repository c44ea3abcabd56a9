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
        /// The answer to play, and the set it came from (a bidirectional stream goes on checking its later
        /// messages against the set's).
        case answer(RecordedAnswer, AnswerSet)
        /// No recorded call matches; why, naming the nearest one.
        case miss(String)
    }

    /// What a bidirectional stream's latest message says about the recorded call it is answered from.
    enum Continuation {
        /// Its messages so far are still the set's.
        case same
        /// They are another set's (the recorded conversations part here): answer from that one on.
        case switched(AnswerSet)
        /// No recorded conversation has them; why, naming the nearest.
        case diverged(String)
    }

    let path: String
    let kind: RPCKind
    /// Whether the call is matched on its first request message instead of all of them (bidirectional
    /// streams answer before the client is done), and its later messages followed through the sets.
    let matchesFirstMessage: Bool
    /// The most request messages of any set: past it, no recorded conversation goes on.
    let maxRequests: Int
    /// The size of the largest recorded request message, in bytes.
    let largestRequest: Int
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
        maxRequests = sets.map(\.requests.count).max() ?? 0
        largestRequest = sets.lazy.flatMap(\.requests).map(\.readableBytes).max() ?? 0
        var index: [ByteBuffer: [Int]] = [:]
        // Bidirectional streams are matched on their first message, against every set's first.
        for (position, set) in sets.enumerated()
        where matchesFirstMessage ? !set.requests.isEmpty : set.requests.count == 1 {
            index[set.requests[0], default: []].append(position)
        }
        bySingleRequest = index
    }

    /// The answer for `requests` (for a bidirectional stream, its first message: the start of a recorded
    /// conversation) with `metadata`: the same bytes first (the hot path, no decoding), then the same
    /// decoded fields under the rules.
    func match(requests: RequestMessages, metadata: Metadata) -> Match {
        let values = matchHeaders.isEmpty ? [] : Self.headerValues(matchHeaders, in: metadata)
        if requests.count == 1, let candidates = bySingleRequest[requests.first!] {
            for position in candidates where sets[position].headerValues == values {
                return .answer(sets[position].take(), sets[position])
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
            paths += differences(set, received, receivedJSON, prefix: matchesFirstMessage)
            if paths.isEmpty { return .answer(set.take(), set) }
            if nearest == nil || paths.count < nearest!.paths.count { nearest = (set, paths) }
        }
        guard let nearest else { return .miss("\(path) was never recorded") }
        let shown = nearest.paths.prefix(8).joined(separator: ", ")
        let more = nearest.paths.count > 8 ? " and \(nearest.paths.count - 8) more" : ""
        return .miss(
            "no recorded call of \(path) matches this request; the nearest is \(nearest.set.first.origin), "
                + "which differs at \(shown)\(more)")
    }

    /// A bidirectional stream answered from `current` received another message (`received` holds them
    /// all): whether the set's conversation still has them, another set's does (the recorded conversations
    /// part here, so answer from that one), or none.
    func continuation(of current: AnswerSet, received: [ByteBuffer], metadata: Metadata) -> Continuation {
        let last = received.count - 1
        let receivedJSON = decode(received)
        let own = differences(current, received, receivedJSON, prefix: true)
        if own.isEmpty { return .same }
        let values = matchHeaders.isEmpty ? [] : Self.headerValues(matchHeaders, in: metadata)
        var closest: (set: AnswerSet, paths: [String]) = (current, own)
        for set in sets where set !== current && set.headerValues == values {
            let paths = differences(set, received, receivedJSON, prefix: true)
            if paths.isEmpty { return .switched(set) }
            if paths.count < closest.paths.count { closest = (set, paths) }
        }
        let shown = closest.paths.prefix(8).joined(separator: ", ")
        let more = closest.paths.count > 8 ? " and \(closest.paths.count - 8) more" : ""
        return .diverged(
            "a stream of \(path) left every recorded conversation at its message \(last); the nearest is "
                + "\(closest.set.first.origin), which differs at \(shown)\(more)")
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
    /// both sides decode, whole messages by bytes otherwise. With `prefix`, only the messages received so
    /// far count (a conversation recorded longer still matches its start).
    private func differences(
        _ set: AnswerSet, _ received: [ByteBuffer], _ receivedJSON: [JSONValue]?, prefix: Bool = false
    ) -> [String] {
        var paths: [String] = []
        let method = String(path.dropFirst())
        for index in 0..<(prefix ? received.count : max(set.requests.count, received.count)) {
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
