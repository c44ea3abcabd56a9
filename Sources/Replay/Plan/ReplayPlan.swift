import GRPCProtocol
import GRPCWire
import ProtoSchema
import Recording

/// The calls of a recording in the order they started, with the schema they were recorded with: what a
/// replay sends and checks.
public struct ReplayPlan: Sendable {
    /// The calls, in recording order.
    public internal(set) var calls: [PlannedCall]
    /// The recording's embedded schema, if it has one (without it, messages are compared byte for byte).
    public let pool: DescriptorPool?
    /// Calls the plan left out and why (no request recorded, an unknown method, no recorded end...).
    public let skipped: [String]
    /// How many calls were left out because the recording holds no end for them (the recorder stopped
    /// while they ran): their outcome is unknown, so they are never compared.
    public let unfinished: Int
    /// The methods (`pkg.Service/Method`) no schema knows whose calls are replayed with their kind read off
    /// the recorded messages (`inferKinds`): their messages can only be compared byte for byte.
    public let unknownMethods: [String]
    /// Request metadata keys recorded as `[redacted]` (`authorization`...), which calls go out without.
    public let redactedMetadata: [String]
    /// Request message fields cleared at record time (`--redact-field`), which calls go out without.
    public let redactedFields: [String]
    /// How many planned calls lost request metadata or fields to redaction.
    public let redactedCalls: Int
    /// How long the planned calls took in the recording: from the first one's start to the last end.
    public let span: Duration

    /// The plan of `recording`; `methods`, when not empty, keeps only calls to those methods
    /// (`pkg.Service/Method` or `pkg.Service/*`). `schema` replaces the recording's embedded schema (for
    /// recordings made without one, whose calls are of unknown kind until a schema names them).
    /// `inferKinds` replays calls of methods no schema knows, their kind read off the recorded messages
    /// (a replay that sends bytes and checks nothing needs no schema).
    public init(
        recording: Recording, methods: [String] = [], schema: DescriptorPool? = nil, inferKinds: Bool = false
    ) throws(ReplayError) {
        if let schema {
            pool = schema
        } else {
            do {
                pool = try recording.header.schema?.makePool()
            } catch {
                throw ReplayError(.unreadableInput, "the recording's embedded schema cannot be loaded: \(error)")
            }
        }
        var calls: [PlannedCall] = []
        var skipped: [String] = []
        var unfinished = 0
        var unknownMethods: [String] = []
        var redactedMetadata: [String] = []
        var redactedFields: [String] = []
        var redactedCalls = 0
        // Recordings made since the client's half-close and cancel have their own events say when they
        // happened, and a call without a half-close never half-closed; older ones are taken to half-close
        // after the last request.
        let recordsClientEnds = recording.events.contains {
            switch $0 {
            case .halfClose, .cancel: true
            default: false
            }
        }
        let recorded = recording.calls
        let origin = recorded.first?.start.time ?? 0
        for call in recorded {
            let start = call.start
            let name = start.method.hasPrefix("/") ? String(start.method.dropFirst()) : start.method
            guard methods.isEmpty || methods.contains(where: { Self.matches(name, $0) }) else { continue }
            var kind = start.kind
            if kind == .unknown, let method = pool?.method(path: start.method) {
                kind = RPCKind(clientStreaming: method.isClientStreaming, serverStreaming: method.isServerStreaming)
            }
            let inferred = kind == .unknown && inferKinds
            if inferred { kind = call.kindFromMessages }
            if kind == .unknown {
                skipped.append("call \(start.call) (\(name)): the method is not in the recording's schema")
                continue
            }
            if call.requests.isEmpty, kind == .unary || kind == .serverStreaming {
                skipped.append("call \(start.call) (\(name)): no request message was recorded")
                continue
            }
            if call.end == nil {
                unfinished += 1
                skipped.append(
                    "call \(start.call) (\(name)): the recording holds no end for it (still running when the recording stopped)"
                )
                continue
            }
            var metadata = Metadata()
            var userAgent: String?
            var redacted = false
            for entry in start.metadata {
                let key = entry.key.lowercased()
                if key == "user-agent", !entry.isBinary, entry.value != RecordingFormat.redactedMarker {
                    userAgent = userAgent ?? entry.value
                    continue
                }
                if key.hasPrefix(":") || ReservedHeaders.isSetByEveryCall(key) { continue }
                if entry.value == RecordingFormat.redactedMarker {
                    redacted = true
                    if !redactedMetadata.contains(key) { redactedMetadata.append(key) }
                    continue
                }
                if entry.isBinary, let bytes = entry.binaryValue {
                    metadata.add(key, binary: bytes)
                } else {
                    metadata.add(key, entry.value)
                }
            }
            var requests: [RequestMessage] = []
            var responsesSeen = 0
            for message in call.messages {
                if message.direction == .response {
                    responsesSeen += 1
                } else {
                    for field in message.redacted where !redactedFields.contains(field) { redactedFields.append(field) }
                    redacted = redacted || !message.redacted.isEmpty
                    requests.append(
                        RequestMessage(
                            offset: .nanoseconds(max(0, message.time - start.time)), bytes: message.raw,
                            afterResponses: responsesSeen))
                }
            }
            var expected = Expectation(
                code: call.trailers?.code, message: call.trailers?.message ?? "",
                responses: call.responses.map(\.raw))
            expected.headers = call.headers?.metadata ?? []
            expected.trailers = call.trailers?.metadata ?? []
            var planned = PlannedCall(
                index: calls.count, recordedCall: start.call, offset: .nanoseconds(max(0, start.time - origin)),
                method: start.method, kind: kind, metadata: metadata,
                timeout: start.timeoutNanoseconds.map { .nanoseconds($0) }, requests: requests,
                expected: expected)
            planned.recordedConnection = start.connection
            planned.userAgent = userAgent
            planned.endOffset = .nanoseconds(max(0, (call.end?.time ?? start.time) - origin))
            planned.clientEndsRecorded = recordsClientEnds
            if let halfClose = call.halfClose {
                planned.halfClose = ClientAct(
                    offset: .nanoseconds(max(0, halfClose.time - start.time)),
                    afterResponses: call.responsesBeforeHalfClose ?? 0)
            }
            if let cancel = call.cancel {
                planned.cancel = ClientAct(
                    offset: .nanoseconds(max(0, cancel.time - start.time)),
                    afterResponses: call.responsesBeforeCancel ?? 0)
            }
            if call.trailers == nil, call.cancel == nil, case .error(let reason)? = call.end?.outcome {
                planned.answerCutShort = reason
            }
            if redacted { redactedCalls += 1 }
            if inferred, !unknownMethods.contains(name) { unknownMethods.append(name) }
            calls.append(planned)
        }
        guard !calls.isEmpty else {
            // Calls that matched but cannot be replayed say why below, not that nothing matched.
            if !methods.isEmpty, skipped.isEmpty {
                var names: [String] = []
                for call in recorded {
                    let name =
                        call.start.method.hasPrefix("/") ? String(call.start.method.dropFirst()) : call.start.method
                    if !names.contains(name) { names.append(name) }
                }
                let shown =
                    names.prefix(12).joined(separator: ", ") + (names.count > 12 ? " and \(names.count - 12) more" : "")
                throw ReplayError(
                    "no recorded call matches --method \(methods.joined(separator: ", "))"
                        + (names.isEmpty ? "" : "; the recording's methods are \(shown)"))
            }
            if skipped.isEmpty { throw ReplayError(.unreadableInput, "the recording has no calls to replay") }
            throw ReplayError(
                "none of the \(skipped.count) recorded calls can be replayed, for example \(skipped[0])"
                    + (pool == nil ? "; the recording has no schema: give one with -I/--proto or --protoset" : ""))
        }
        self.calls = calls
        self.skipped = skipped
        self.unfinished = unfinished
        self.span = (calls.map(\.endOffset).max() ?? .zero) - (calls.first?.offset ?? .zero)
        self.unknownMethods = unknownMethods
        self.redactedMetadata = redactedMetadata
        self.redactedFields = redactedFields
        self.redactedCalls = redactedCalls
    }

    /// Whether `name` (`pkg.Service/Method`) matches a filter: exact, or `pkg.Service/*`.
    static func matches(_ name: String, _ filter: String) -> Bool {
        let filter = filter.hasPrefix("/") ? String(filter.dropFirst()) : filter
        if filter.hasSuffix("/*") { return name.hasPrefix(filter.dropLast()) }
        return name == filter
    }
}
