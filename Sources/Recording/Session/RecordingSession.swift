import GRPCProtocol
import ProtoCodec
import ProtoSchema

/// Turns what a proxy or a capture saw on the wire into recording events: header blocks and messages of
/// HTTP/2 streams go in, decoded, redacted lines come out through a ``RecordingWriter``.
///
/// Streams are named by connection and stream id; the session gives each new stream the next call id.
/// Callers hand it whole, decompressed messages (deframing is the wire layer's job). Confined to one
/// thread; lines are buffered in the writer until the caller flushes it.
public final class RecordingSession {
    /// Choices about what goes into message events.
    public struct Options: Sendable {
        /// Add ProtoCodec's schema-less view (`raw_fields`) to messages the schema could not decode.
        public var includeRawFields = false

        /// The defaults: no schema-less view.
        public init() {}
    }

    /// A call being recorded: what ``startCall(connection:stream:headers:time:)`` returns, so the later
    /// events of its stream can name it directly (the tap's path: one lookup per event, not two). Events
    /// for a call that has ended are ignored.
    public final class Call {
        let id: Int
        let connection: Int
        let stream: Int
        let method: String
        let inputType: MessageType?
        let outputType: MessageType?
        var lastTime: Int64
        var sawResponseHeaders = false
        var halfClosed = false
        var ended = false

        init(
            id: Int, connection: Int, stream: Int, method: String, inputType: MessageType?, outputType: MessageType?,
            time: Int64
        ) {
            self.id = id
            self.connection = connection
            self.stream = stream
            self.method = method
            self.inputType = inputType
            self.outputType = outputType
            self.lastTime = time
        }

        /// Moves the call's clock to `time` if later; false once the call has ended.
        func advance(to time: Int64) -> Bool {
            guard !ended else { return false }
            lastTime = max(lastTime, time)
            return true
        }
    }

    /// The writer the lines go to.
    public let writer: RecordingWriter
    let registry: MessageRegistry?
    let redactor: MessageRedactor
    /// Metadata keys whose values are redacted: a few names, so a list compared name by name (a length
    /// check each, mostly) costs less than hashing every header name of every call.
    let redactedKeys: [String]
    /// Bit `n % 64` set for each redacted key of `n` bytes: most names are passed over on their length,
    /// with no string comparison at all.
    private let redactedLengths: UInt64
    let options: Options
    private var calls = StreamTable<Call>()
    private var methods: [String: (RPCKind, MessageType?, MessageType?)] = [:]
    /// The method looked up last: calls in a row mostly share one, and comparing a path with the same
    /// string (HPACK hands the same table entry each time) is cheaper than hashing it.
    private var lastMethod: (path: String, resolved: (RPCKind, MessageType?, MessageType?))?
    private var nextCallID = 1
    /// Request header lists seen lately, with what a call line makes of them (see ``HeaderListMemo``).
    private var callLines = HeaderListMemo<CallLine>()
    /// Response header lists seen lately, with the rest of their headers line.
    private var headersLines = HeaderListMemo<[UInt8]>()
    /// Trailer lists seen lately (the variant: trailers-only), with the rest of their trailers line.
    private var trailersLines = HeaderListMemo<[UInt8]>()
    /// Lines finished from a memo instead of from their header list (for tests).
    private(set) var headerListsReused = 0
    /// The JSON of the message being recorded, its memory kept from message to message.
    private var jsonScratch: [UInt8] = []
    /// Calls started so far.
    public private(set) var callsStarted = 0
    /// Calls that reached their end event.
    public private(set) var callsEnded = 0
    /// Calls that ended with an error (no trailers or reset: the connection or the recording ended first).
    public private(set) var callsFailed = 0
    /// Messages recorded.
    public private(set) var messagesRecorded = 0

    /// A session writing to `writer`, decoding with `registry` (nil: every message kept raw) and redacting
    /// what the writer's header says is redacted.
    public init(writer: RecordingWriter, registry: MessageRegistry?, options: Options = Options())
        throws(RedactionError)
    {
        let redaction = writer.header.redaction
        self.writer = writer
        self.registry = registry
        self.redactor = try MessageRedactor(policy: redaction, pool: registry?.pool)
        self.redactedKeys = Array(Set(redaction.metadataKeys))
        self.redactedLengths = redactedKeys.reduce(0) { $0 | 1 << UInt64($1.utf8.count % 64) }
        self.options = options
    }

    /// Calls started and not yet ended.
    public var openCalls: Int { calls.count }

    // MARK: Events

    /// A client opened `stream` on `connection` with this request header block (pseudo-headers included);
    /// the later events of the stream may name the returned call instead of the connection and stream.
    /// `inferredMethod` stands for a `:path` the header block lost (a capture that began mid-connection),
    /// and `unknownHeaders` counts its fields that could not be decoded.
    @discardableResult
    public func startCall(
        connection: Int, stream: Int, headers: [HeaderField], time: Int64,
        inferredMethod: String? = nil, unknownHeaders: Int = 0
    ) -> Call {
        // A list seen lately (unknown fields and inferred methods are not kept: both are rare).
        let storage = inferredMethod == nil && unknownHeaders == 0 ? headers.storageIdentity : nil
        var keep = false
        if let storage {
            switch callLines.sighting(of: headers, storage: storage) {
            case .known(let known):
                headerListsReused += 1
                let call = newCall(
                    connection: connection, stream: stream, method: known.path, inputType: known.inputType,
                    outputType: known.outputType, time: time)
                writer.appendLine {
                    $0.callStartHead(time: time, call: call.id, connection: connection, stream: stream)
                    $0.append(known.tail)
                }
                return call
            case .repeated: keep = true
            case .new: break
            }
        }
        var path = inferredMethod ?? ""
        var authority: String?
        var timeout: Int64?
        var encoding = "identity"
        var metadata: [MetadataEntry] = []
        metadata.reserveCapacity(headers.count)
        // By index, not `for field in`: a value is copied only where it is kept.
        for index in headers.indices {
            switch headers[index].known {
            case .path: path = headers[index].value
            case .authority: authority = headers[index].value
            case .grpcTimeout: timeout = GRPCTimeout.nanoseconds(headers[index].value)
            case .grpcEncoding: encoding = headers[index].value
            case let known where ReservedHeaders.isRequestTransportHeader(known): break
            default: metadata.append(entry(headers[index].name, headers[index].value))
            }
        }
        let (kind, input, output) = method(path)
        let call = newCall(
            connection: connection, stream: stream, method: path, inputType: input, outputType: output, time: time)
        var event = CallStartEvent(
            time: time, call: call.id, connection: connection, stream: stream, method: path, kind: kind,
            authority: authority, metadata: metadata, timeoutNanoseconds: timeout, encoding: encoding)
        event.methodInferred = inferredMethod != nil
        event.unknownHeaders = unknownHeaders
        let tail = appendLine(keepingTail: keep) {
            $0.callStartHead(time: time, call: call.id, connection: connection, stream: stream)
        } tail: {
            $0.callStartTail(event)
        }
        if let storage, let tail {
            callLines.remember(CallLine(path: path, inputType: input, outputType: output, tail: tail), storage: storage)
        }
        return call
    }

    /// What a call line makes of a request header list: the call's method and the line after its stream.
    private struct CallLine {
        let path: String
        let inputType: MessageType?
        let outputType: MessageType?
        let tail: [UInt8]
    }

    private func newCall(
        connection: Int, stream: Int, method: String, inputType: MessageType?, outputType: MessageType?, time: Int64
    ) -> Call {
        let id = nextCallID
        nextCallID += 1
        callsStarted += 1
        let call = Call(
            id: id, connection: connection, stream: stream, method: method, inputType: inputType,
            outputType: outputType, time: time)
        calls[connection, stream] = call
        return call
    }

    /// One whole message of the stream, decompressed; `wireSize` is its length on the wire and
    /// `unreadable` says why the bytes could not be made into a message (they are then recorded as they are).
    public func message(
        connection: Int, stream: Int, direction: MessageDirection, payload: UnsafeRawBufferPointer, wireSize: Int,
        compressed: Bool, time: Int64, unreadable: String? = nil
    ) {
        guard let call = calls[connection, stream] else { return }
        message(
            call, direction: direction, payload: payload, wireSize: wireSize, compressed: compressed, time: time,
            unreadable: unreadable)
    }

    /// One whole message of `call`'s stream (see ``message(connection:stream:direction:payload:wireSize:compressed:time:unreadable:)``).
    public func message(
        _ call: Call, direction: MessageDirection, payload: UnsafeRawBufferPointer, wireSize: Int, compressed: Bool,
        time: Int64, unreadable: String? = nil
    ) {
        guard call.advance(to: time) else { return }
        messagesRecorded += 1
        let type = direction == .request ? call.inputType : call.outputType
        var hasJSON = false
        var decodeError = unreadable
        var redacted: [String] = []
        var rawFields: JSONValue?
        var redactedBytes: [UInt8]?
        if let type, unreadable == nil {
            do throws(CodecError) {
                let rules = redactor.isEmpty ? [] : redactor.rules(for: type, method: call.method, direction: direction)
                jsonScratch.removeAll(keepingCapacity: jsonScratch.capacity <= 1 << 20)
                if rules.isEmpty {
                    // Straight from the bytes when they allow it: no message built per message recorded.
                    try DynamicMessage.appendJSONUTF8Bytes(transcoding: payload, of: type, to: &jsonScratch)
                } else {
                    var message = try DynamicMessage(type: type, serializedBytes: payload)
                    redacted = redactor.apply(rules, to: &message)
                    if !redacted.isEmpty { redactedBytes = try BinaryEncoding(message).bytes }
                    try message.appendJSONUTF8Bytes(to: &jsonScratch)
                }
                hasJSON = true
            } catch {
                decodeError = "the bytes are not a valid \(type.fullName): \(error.description)"
                hasJSON = false
                redacted = []
                redactedBytes = nil
            }
        }
        if !hasJSON, options.includeRawFields, unreadable == nil {
            rawFields = try? RawMessage(serializedBytes: payload).jsonValue
        }
        let id = call.id
        func append(_ raw: UnsafeRawBufferPointer) {
            writer.appendLine { line in
                line.message(
                    time: time, call: id, direction: direction, json: hasJSON ? jsonScratch : nil, raw: raw,
                    size: wireSize,
                    compressed: compressed, decodeError: decodeError, redacted: redacted, rawFields: rawFields)
            }
        }
        if let redactedBytes { redactedBytes.withUnsafeBytes(append) } else { append(payload) }
    }

    /// The server's response headers (the first header block that is not trailers-only).
    public func responseHeaders(connection: Int, stream: Int, headers: [HeaderField], time: Int64) {
        guard let call = calls[connection, stream] else { return }
        responseHeaders(call, headers: headers, time: time)
    }

    /// The server's response headers of `call`.
    public func responseHeaders(_ call: Call, headers: [HeaderField], time: Int64) {
        guard call.advance(to: time) else { return }
        call.sawResponseHeaders = true
        let storage = headers.storageIdentity
        var keep = false
        if let storage {
            switch headersLines.sighting(of: headers, storage: storage) {
            case .known(let tail):
                headerListsReused += 1
                writer.appendLine {
                    $0.responseHeadersHead(time: time, call: call.id)
                    $0.append(tail)
                }
                return
            case .repeated: keep = true
            case .new: break
            }
        }
        var status = 0
        var encoding = "identity"
        var metadata: [MetadataEntry] = []
        for field in headers {
            switch field.known {
            case .status: status = Int(field.value) ?? 0
            case .grpcEncoding: encoding = field.value
            case let known where ReservedHeaders.isResponseTransportHeader(known): break
            default: metadata.append(entry(field.name, field.value))
            }
        }
        let event = ResponseHeadersEvent(
            time: time, call: call.id, status: status, metadata: metadata, encoding: encoding)
        let tail = appendLine(keepingTail: keep) {
            $0.responseHeadersHead(time: time, call: call.id)
        } tail: {
            $0.responseHeadersTail(event)
        }
        if let storage, let tail { headersLines.remember(tail, storage: storage) }
    }

    /// The server's trailers (or the single header block of a trailers-only response); the call then ends.
    public func trailers(connection: Int, stream: Int, headers: [HeaderField], time: Int64) {
        guard let call = calls[connection, stream] else { return }
        trailers(call, headers: headers, time: time)
    }

    /// The server's trailers of `call`; the call then ends. `unknownHeaders` counts fields that named
    /// HPACK state from before a capture began (the status may be among them).
    public func trailers(_ call: Call, headers: [HeaderField], time: Int64, unknownHeaders: Int = 0) {
        guard call.advance(to: time) else { return }
        let trailersOnly = !call.sawResponseHeaders
        let storage = unknownHeaders == 0 ? headers.storageIdentity : nil
        var keep = false
        if let storage {
            switch trailersLines.sighting(of: headers, storage: storage, variant: trailersOnly) {
            case .known(let tail):
                headerListsReused += 1
                writer.appendLine {
                    $0.trailersHead(time: time, call: call.id)
                    $0.append(tail)
                }
                finish(call, .ok, time)
                return
            case .repeated: keep = true
            case .new: break
            }
        }
        var code: Int?
        var message = ""
        var details: [JSONValue] = []
        var httpStatus: Int?
        var metadata: [MetadataEntry] = []
        for field in headers {
            switch field.known {
            case .grpcStatus: code = Int(field.value)
            case .grpcMessage: message = PercentEncoding.decode(field.value)
            case .grpcStatusDetailsBin:
                if let bytes = RecordingBase64.decode(field.value), let anys = StatusDetails.anys(in: bytes) {
                    details = anys.map { StatusDetails.json(typeURL: $0.typeURL, value: $0.value, registry: registry) }
                } else {
                    metadata.append(MetadataEntry(field.name, field.value))
                }
            case .status: httpStatus = Int(field.value)
            case let known where ReservedHeaders.isTrailerStatusHeader(known, trailersOnly: trailersOnly): break
            default: metadata.append(entry(field.name, field.value))
            }
        }
        if code == nil, unknownHeaders > 0 {
            // Not guessed: the call ends incomplete, with its messages and why.
            finish(call, .error(Self.statusBeforeCapture), time)
            return
        }
        if code == nil, message.isEmpty {
            message = "the server sent no grpc-status"
        }
        let event = TrailersEvent(
            time: time, call: call.id,
            code: code ?? StatusCode(httpStatus: httpStatus ?? 200).rawValue, message: message,
            details: details, metadata: metadata, trailersOnly: trailersOnly,
            httpStatus: trailersOnly ? httpStatus : nil)
        let tail = appendLine(keepingTail: keep) {
            $0.trailersHead(time: time, call: call.id)
        } tail: {
            $0.trailersTail(event)
        }
        if let storage, let tail { trailersLines.remember(tail, storage: storage, variant: trailersOnly) }
        finish(call, .ok, time)
    }

    /// The client ended its request side (END_STREAM on its DATA or HEADERS frame); call it after the
    /// message that frame completed, if any. Only the first half-close of a call is recorded.
    public func halfClose(connection: Int, stream: Int, time: Int64) {
        guard let call = calls[connection, stream] else { return }
        halfClose(call, time: time)
    }

    /// The client ended `call`'s request side.
    public func halfClose(_ call: Call, time: Int64) {
        guard call.advance(to: time), !call.halfClosed else { return }
        call.halfClosed = true
        let event = HalfCloseEvent(time: call.lastTime, call: call.id)
        writer.appendLine { $0.halfClose(event) }
    }

    /// An RST_STREAM ended the stream. One from the client is a cancel: its `cancel` event is written
    /// before the `end`, so the replayer knows when to cancel.
    public func reset(connection: Int, stream: Int, by side: CallSide, errorCode: UInt32, time: Int64) {
        guard let call = calls[connection, stream] else { return }
        reset(call, by: side, errorCode: errorCode, time: time)
    }

    /// An RST_STREAM ended `call`'s stream.
    public func reset(_ call: Call, by side: CallSide, errorCode: UInt32, time: Int64) {
        guard call.advance(to: time) else { return }
        if side == .client {
            let event = CancelEvent(time: call.lastTime, call: call.id, errorCode: errorCode)
            writer.appendLine { $0.cancel(event) }
        }
        finish(call, .reset(by: side, errorCode: errorCode), time)
    }

    /// The stream ended without trailers or a reset; `reason` says how.
    public func fail(connection: Int, stream: Int, reason: String, time: Int64) {
        guard let call = calls[connection, stream] else { return }
        fail(call, reason: reason, time: time)
    }

    /// `call`'s stream ended without trailers or a reset; `reason` says how.
    public func fail(_ call: Call, reason: String, time: Int64) {
        guard call.advance(to: time) else { return }
        finish(call, .error(reason), time)
    }

    /// The connection is gone: every call still open on it ends with `reason`.
    public func connectionClosed(connection: Int, reason: String, time: Int64) {
        let open = calls.entries.filter { $0.connection == connection }.sorted { $0.value.id < $1.value.id }
        for (_, _, call) in open { finish(call, .error(reason), max(time, call.lastTime)) }
    }

    /// Ends every open call with `reason` (the recording is stopping).
    public func closeAll(reason: String, time: Int64) {
        for (_, _, call) in calls.entries.sorted(by: { $0.value.id < $1.value.id }) {
            finish(call, .error(reason), max(time, call.lastTime))
        }
    }

    // MARK: Inferring methods (captures that began mid-connection)

    /// How a call ends whose trailers named its status in header table state from before a capture began.
    public static let statusBeforeCapture =
        "its status was in header table state from before the capture began (not guessed)"

    /// Whether there is a schema to infer methods by.
    public var canInferMethods: Bool { registry != nil }

    /// Every method of the schema, as `/pkg.Service/Method` (listed once: each call whose method is being
    /// inferred starts from it).
    public private(set) lazy var schemaMethods: [String] = registry?.pool.methods.map(\.fullMethod) ?? []

    /// The RPC kind of the method at `path` (`unknown` outside the schema).
    public func kind(ofMethod path: String) -> RPCKind { method(path).0 }

    /// Those of `candidates` whose request type (or response type, for `.response`) reads `payload`
    /// strictly: it decodes, and every field in it, nested messages' included, is one the type declares
    /// with that wire type.
    public func methods(
        among candidates: [String], reading payload: UnsafeRawBufferPointer, as direction: MessageDirection
    )
        -> [String]
    {
        candidates.filter { path in
            let (_, input, output) = method(path)
            guard let type = direction == .request ? input : output else { return false }
            guard let message = try? DynamicMessage(type: type, serializedBytes: payload) else { return false }
            return !message.hasUnknownFieldsAnywhere
        }
    }

    // MARK: Helpers

    private func finish(_ call: Call, _ outcome: CallEndEvent.Outcome, _ time: Int64) {
        calls.removeValue(connection: call.connection, stream: call.stream)
        call.ended = true
        callsEnded += 1
        if case .error = outcome { callsFailed += 1 }
        let event = CallEndEvent(time: max(time, call.lastTime), call: call.id, outcome: outcome)
        writer.appendLine { $0.end(event) }
    }

    /// Writes a line made of `head` and `tail`; a copy of the tail's bytes when `keep` (for a memo).
    private func appendLine(
        keepingTail keep: Bool, _ head: (inout LineBuffer) -> Void, tail: (inout LineBuffer) -> Void
    ) -> [UInt8]? {
        var kept: [UInt8]?
        writer.appendLine { line in
            head(&line)
            let tailStart = line.count
            tail(&line)
            if keep { kept = line.copyOfBytes(from: tailStart) }
        }
        return kept
    }

    private func entry(_ name: String, _ value: String) -> MetadataEntry {
        let redacted = redactedLengths & 1 << UInt64(name.utf8.count % 64) != 0 && redactedKeys.contains(name)
        return redacted ? MetadataEntry(name, RecordingFormat.redactedMarker) : MetadataEntry(name, value)
    }

    private func method(_ path: String) -> (RPCKind, MessageType?, MessageType?) {
        if let lastMethod, lastMethod.path == path { return lastMethod.resolved }
        if let cached = methods[path] {
            lastMethod = (path, cached)
            return cached
        }
        var resolved: (RPCKind, MessageType?, MessageType?) = (.unknown, nil, nil)
        if let registry, let method = registry.pool.method(path: path) {
            resolved = (
                RPCKind(clientStreaming: method.isClientStreaming, serverStreaming: method.isServerStreaming),
                registry.type(for: method.inputType), registry.type(for: method.outputType)
            )
        }
        if methods.count < 10_000 { methods[path] = resolved }
        lastMethod = (path, resolved)
        return resolved
    }
}
