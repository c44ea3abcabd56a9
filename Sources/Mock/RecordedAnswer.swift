import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec
import Recording

/// One recorded call's answer, encoded once at load: prepared headers, framed messages each with what it
/// waits for (client messages, the half-close, a recorded gap), and the prepared status.
final class RecordedAnswer: Sendable {
    /// A response message and what must happen before it goes out.
    struct Step: Sendable {
        let message: PreparedMessage
        let gate: Gate
    }

    /// What a step waits for: this many request messages (all of them once the client half-closed), the
    /// half-close itself, then a pause.
    struct Gate: Sendable {
        let requests: Int
        let halfClose: Bool
        let delay: TimeAmount
    }

    /// Where the call was recorded, for messages: `demo.jsonl call 7`.
    let origin: String
    let headers: PreparedHeaders?
    let steps: [Step]
    /// nil when the recorded call ended without a status (the client cancelled, the connection failed):
    /// the mock then sends what was recorded and waits for the client to go.
    let status: PreparedStatus?
    let statusGate: Gate

    /// Gaps shorter than this are sent at once: below it a recording's timing is mostly noise.
    static let shortestPause: Int64 = 1_000_000

    /// `knowsHalfClose`: whether the file records half-closes (a call without one then never half-closed).
    init(
        call: RecordedCall, file: String, knowsHalfClose: Bool, registry: MessageRegistry?, pace: Bool,
        configuration: GRPCServer.Configuration
    ) throws(MockError) {
        origin = "\(file) call \(call.start.call)"
        headers = call.headers.map {
            PreparedHeaders(metadata: Self.metadata($0.metadata), configuration: configuration)
        }
        // Without half_close events (older recordings), only a bidirectional stream answers before the end
        // of the requests.
        let halfCloseKnown = knowsHalfClose
        let responsesBeforeHalfClose = call.responsesBeforeHalfClose
        var steps: [Step] = []
        var requestsSeen = 0
        var lastTime = call.headers?.time ?? call.start.time
        var requestTimes: [Int64] = []
        for message in call.messages {
            if message.direction == .request {
                requestsSeen += 1
                requestTimes.append(message.time)
                continue
            }
            let index = steps.count
            let afterHalfClose =
                halfCloseKnown ? index >= (responsesBeforeHalfClose ?? Int.max) : call.start.kind != .bidi
            var gateTime = requestTimes.last ?? call.start.time
            if afterHalfClose, let halfClose = call.halfClose { gateTime = max(gateTime, halfClose.time) }
            let delay = index == 0 || !pace ? 0 : Self.pause(message.time - max(lastTime, gateTime))
            lastTime = message.time
            var buffer = ByteBufferAllocator().buffer(capacity: message.raw.count)
            buffer.writeBytes(message.raw)
            do {
                steps.append(
                    Step(
                        message: try PreparedMessage(buffer),
                        gate: Gate(requests: requestsSeen, halfClose: afterHalfClose, delay: .nanoseconds(delay))))
            } catch {
                throw MockError("\(origin): response message \(index) cannot be sent: \(error.message)")
            }
        }
        self.steps = steps
        if let trailers = call.trailers {
            status = PreparedStatus(
                try Self.status(trailers, registry: registry, origin: origin),
                metadata: Self.metadata(trailers.metadata))
            let waitsForHalfClose = halfCloseKnown ? call.halfClose != nil : true
            let delay =
                steps.isEmpty || !pace ? 0 : Self.pause(trailers.time - max(lastTime, call.halfClose?.time ?? 0))
            statusGate = Gate(requests: requestsSeen, halfClose: waitsForHalfClose, delay: .nanoseconds(delay))
        } else {
            status = nil
            statusGate = Gate(requests: requestsSeen, halfClose: true, delay: .zero)
        }
    }

    private static func pause(_ gap: Int64) -> Int64 { gap >= shortestPause ? gap : 0 }

    /// Recorded metadata as sent: `-bin` values decoded from the base64 seen on the wire.
    static func metadata(_ entries: [MetadataEntry]) -> Metadata {
        var metadata = Metadata()
        for entry in entries {
            if entry.isBinary, let bytes = entry.binaryValue {
                metadata.add(entry.key, binary: bytes)
            } else {
                metadata.add(entry.key, entry.value)
            }
        }
        return metadata
    }

    /// The recorded status, with its `google.rpc.Status` details encoded back to bytes.
    static func status(_ trailers: TrailersEvent, registry: MessageRegistry?, origin: String) throws(MockError)
        -> GRPCStatus
    {
        var status = GRPCStatus(code: StatusCode(rawValue: trailers.code), message: trailers.message)
        guard !trailers.details.isEmpty else { return status }
        var details: [RPCStatus.Detail] = []
        for (index, detail) in trailers.details.enumerated() {
            guard let encoded = encode(detail, registry: registry) else {
                throw MockError(
                    "\(origin): status detail \(index) (\(detail["@type"].map { "\($0)" } ?? "no @type")) cannot be "
                        + "encoded: its type is not in the recording's schema and it has no \"raw\" bytes")
            }
            details.append(encoded)
        }
        status.details = RPCStatus(code: Int32(clamping: trailers.code), message: trailers.message, details: details)
        return status
    }

    /// A detail written as a JSON `Any`: `{"@type", "raw"}`, or the message's fields after `@type` (a
    /// well-known type's own JSON under `value`).
    private static func encode(_ detail: JSONValue, registry: MessageRegistry?) -> RPCStatus.Detail? {
        guard case .object(let object) = detail, case .string(let typeURL)? = object["@type"] else { return nil }
        if case .string(let raw)? = object["raw"], let bytes = RecordingBase64.decode(raw) {
            return RPCStatus.Detail(typeURL: typeURL, value: bytes)
        }
        guard let type = registry?.type(forTypeURL: typeURL) else { return nil }
        let fields = object.members.filter { $0.key != "@type" }
        let json: JSONValue =
            type.fullName.hasPrefix("google.protobuf.") && fields.count == 1 && fields[0].key == "value"
            ? fields[0].value : .object(JSONObject(fields))
        guard let message = try? DynamicMessage(type: type, json: json), let bytes = try? BinaryEncoding(message).bytes
        else { return nil }
        return RPCStatus.Detail(typeURL: typeURL, value: bytes)
    }
}
