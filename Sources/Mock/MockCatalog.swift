import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import ProtoSchema
import Recording
import Reflection

/// Recordings turned into what the mock serves: a ``MethodBook`` per recorded method, and the schema they
/// were decoded with (for matching by fields, reflection and health).
struct MockCatalog {
    let books: [String: MethodBook]
    /// Methods recorded only in calls that got no answer to serve (cut off by a failure, or still running
    /// when the recording stopped): how the first of them ended, for the miss that names it.
    let unanswered: [String: String]
    let pool: DescriptorPool?
    let registry: MessageRegistry?
    /// The header of the first recording (the template of a new passthrough recording).
    let header: RecordingHeader

    /// Reads the calls of `recordings` (name and content, in the order given); calls that neither ended
    /// with a status nor were cancelled by the client (cut off by a failure) are left out.
    init(recordings: [(name: String, recording: Recording)], configuration: MockConfiguration) throws(MockError) {
        guard let first = recordings.first else { throw MockError("give at least one recording to serve") }
        header = first.recording.header
        var schema: (name: String, schema: EmbeddedSchema)?
        for (name, recording) in recordings {
            guard let embedded = recording.header.schema else { continue }
            if let schema, schema.schema.fingerprint != embedded.fingerprint {
                throw MockError(
                    "\(name) was decoded with another schema than \(schema.name) (\(embedded.fingerprint) vs "
                        + "\(schema.schema.fingerprint)); serve them from separate mocks, or record them with the same protos"
                )
            }
            schema = (name, embedded)
        }
        var pool: DescriptorPool?
        var registry: MessageRegistry?
        if let schema {
            do {
                pool = try schema.schema.makePool()
                registry = try MessageRegistry(pool: pool!)
            } catch {
                throw MockError("\(schema.name): the embedded schema does not load: \(error)")
            }
        }
        self.pool = pool
        self.registry = registry

        struct Pending {
            var kind: RPCKind
            /// Whether some call of a method recorded without its schema had several requests, or several
            /// responses: the method's kind, read off its calls.
            var clientStreaming = false
            var serverStreaming = false
            var keys: [SetKey] = []
            var answers: [SetKey: [RecordedAnswer]] = [:]
            var firstRequests: [SetKey: [ByteBuffer]] = [:]
        }
        struct SetKey: Hashable {
            var requests: [ByteBuffer]
            var headers: [String]
        }
        var methods: [String] = []
        var pending: [String: Pending] = [:]
        var unanswered: [String: String] = [:]
        for (name, recording) in recordings {
            let calls = recording.calls
            let knowsHalfClose = calls.contains { $0.halfClose != nil }
            for call in calls where call.trailers == nil && call.cancel == nil {
                if unanswered[call.start.method] == nil {
                    unanswered[call.start.method] = "\(name) call \(call.start.call) \(Self.describe(call.end))"
                }
            }
            for call in calls where call.trailers != nil || call.cancel != nil {
                let path = call.start.method
                let answer = try RecordedAnswer(
                    call: call, file: name, knowsHalfClose: knowsHalfClose, registry: registry,
                    pace: configuration.pace, configuration: configuration.server)
                let requests = call.requests.map { message in
                    var buffer = ByteBufferAllocator().buffer(capacity: message.raw.count)
                    buffer.writeBytes(message.raw)
                    return buffer
                }
                let key = SetKey(
                    requests: requests, headers: Self.headerValues(configuration.matchHeaders, call.start.metadata))
                if pending[path] == nil {
                    methods.append(path)
                    pending[path] = Pending(kind: call.start.kind)
                }
                if call.start.kind == .unknown {
                    let kind = call.kindFromMessages
                    pending[path]!.clientStreaming = pending[path]!.clientStreaming || kind.isClientStreaming
                    pending[path]!.serverStreaming = pending[path]!.serverStreaming || kind.isServerStreaming
                }
                if pending[path]!.answers[key] == nil { pending[path]!.keys.append(key) }
                pending[path]!.answers[key, default: []].append(answer)
            }
        }
        var books: [String: MethodBook] = [:]
        for path in methods {
            let entry = pending[path]!
            let method = pool?.method(path: path)
            let inputType = method.flatMap { registry?.type(for: $0.inputType) }
            let sets = entry.keys.map { key in
                AnswerSet(
                    requests: key.requests, requestJSON: Self.decode(key.requests, inputType),
                    headerValues: key.headers,
                    answers: entry.answers[key]!, cycle: configuration.cycle)
            }
            var kind = entry.kind
            if kind == .unknown {
                // Reflection is a bidirectional stream whatever its recorded calls show: a client keeps it
                // open and waits for each answer.
                kind =
                    ReflectionVersion.allCases.contains { $0.path == path }
                    ? .bidi : RPCKind(clientStreaming: entry.clientStreaming, serverStreaming: entry.serverStreaming)
            }
            books[path] = MethodBook(
                path: path, kind: kind, sets: sets, inputType: inputType, rules: configuration.rules,
                matchHeaders: configuration.matchHeaders)
        }
        // A mock that can only miss is a mistake (an empty capture, the wrong file), unless misses go on.
        if books.isEmpty, configuration.passthrough == nil {
            let names = recordings.map(\.name).joined(separator: ", ")
            let hold = recordings.count == 1 ? "holds" : "hold"
            let why =
                unanswered.isEmpty
                ? "no calls" : "no call with an answer to serve (\(unanswered.values.sorted()[0]))"
            throw MockError("nothing to serve: \(names) \(hold) \(why)")
        }
        self.books = books
        self.unanswered = unanswered.filter { books[$0.key] == nil }
    }

    /// How a call without an answer ended, after "call N".
    private static func describe(_ end: CallEndEvent?) -> String {
        switch end?.outcome {
        case .error(let reason): "ended without one: \(reason)"
        case .reset(_, let code): "was reset by the server with \(HTTP2ErrorCodeName.name(of: code))"
        case .ok, nil: "was still running when the recording stopped"
        }
    }

    /// The recorded values of the matched headers, compared as ``MethodBook/headerValues(_:in:)`` renders
    /// received ones.
    static func headerValues(_ keys: [String], _ entries: [MetadataEntry]) -> [String] {
        keys.map { key in
            entries.filter { $0.key == key }.map { entry in
                if entry.isBinary, let bytes = entry.binaryValue { return Base64.encode(bytes, padded: false) }
                return entry.value
            }.joined(separator: ",")
        }
    }

    private static func decode(_ messages: [ByteBuffer], _ type: MessageType?) -> [JSONValue]? {
        guard let type else { return nil }
        var json: [JSONValue] = []
        for message in messages {
            guard
                let value = try? DynamicMessage(type: type, serializedBytes: Array(message.readableBytesView))
                    .jsonValue()
            else { return nil }
            json.append(value)
        }
        return json
    }
}
