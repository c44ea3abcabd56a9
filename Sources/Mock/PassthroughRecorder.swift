import Foundation
import GRPCProtocol
import GRPCWire
import NIOConcurrencyHelpers
import ProtoCodec
import ProtoSchema
import Recording

/// Appends calls answered by the passthrough server to a recording, so the next run serves them: to an
/// existing recording (after its last line, with call ids after its largest), or to a new one with the
/// schema and redaction of the recordings being served.
/// The writer is not `Sendable`; every use of it holds `state`'s lock.
final class PassthroughRecorder: @unchecked Sendable {
    /// What one relayed call did, in order, with when.
    struct CallLog {
        enum Event {
            case request([UInt8])
            case halfClose
            case headers(Metadata)
            case response([UInt8])
            case status(GRPCStatus, Metadata)
        }

        var start = ContinuousClock.now
        var events: [(Event, ContinuousClock.Instant)] = []
    }

    let path: String
    private let state: NIOLockedValueBox<State>
    private let registry: MessageRegistry?
    private let redaction: RedactionPolicy
    /// The recording's start, and the same moment on the monotonic clock, for event times.
    private let created: Date
    private let createdInstant: ContinuousClock.Instant

    private struct State {
        var writer: RecordingWriter
        var nextCall: Int
    }

    /// Opens `path` for appending (reading it for its header and largest call id), or creates it with
    /// `template`'s header when it does not exist.
    init(path: String, template: RecordingHeader, registry: MessageRegistry?, upstream: String) throws(MockError) {
        self.path = path
        self.registry = registry
        let writer: RecordingWriter
        var nextCall = 1
        do {
            if FileManager.default.fileExists(atPath: path) {
                let existing: Recording
                do { existing = try Recording.load(path: path) } catch { throw MockError("--append \(error)") }
                writer = try RecordingWriter(appendingTo: path, header: existing.header, sync: .never)
                nextCall = (existing.events.map(\.call).max() ?? 0) + 1
            } else {
                let header = RecordingHeader(
                    created: Date(), source: .proxy(listen: "reprise mock", upstream: upstream, tls: "none"),
                    schema: template.schema,
                    redaction: template.redaction)
                writer = try RecordingWriter(path: path, header: header, sync: .never)
            }
        } catch let error as MockError {
            throw error
        } catch {
            throw MockError("--append \(path): \(error)", kind: .output)
        }
        redaction = writer.header.redaction
        created = writer.header.created
        createdInstant = ContinuousClock.now - .nanoseconds(Int64(Date().timeIntervalSince(created) * 1e9))
        state = NIOLockedValueBox(State(writer: writer, nextCall: nextCall))
    }

    /// Writes one relayed call as recording events (one flush, so the file grows by whole calls).
    func append(_ log: CallLog, path method: String, kind: RPCKind?, authority: String?, metadata: Metadata) throws {
        let types = registry.flatMap { $0.pool.method(path: method) }
        let input = types.flatMap { registry?.type(for: $0.inputType) }
        let output = types.flatMap { registry?.type(for: $0.outputType) }
        let kind =
            kind ?? types.map { RPCKind(clientStreaming: $0.isClientStreaming, serverStreaming: $0.isServerStreaming) }
            ?? .unknown
        try state.withLockedValue { state in
            let id = state.nextCall
            state.nextCall += 1
            var events: [RecordingEvent] = [
                .call(
                    CallStartEvent(
                        time: time(log.start), call: id, connection: 1, stream: 1, method: method, kind: kind,
                        authority: authority, metadata: entries(metadata)))
            ]
            var sawHeaders = false
            var lastTime = time(log.start)
            for (event, instant) in log.events {
                let t = max(lastTime, time(instant))
                lastTime = t
                switch event {
                case .request(let bytes): events.append(.message(message(bytes, id, .request, input, t)))
                case .response(let bytes): events.append(.message(message(bytes, id, .response, output, t)))
                case .halfClose: events.append(.halfClose(HalfCloseEvent(time: t, call: id)))
                case .headers(let metadata):
                    sawHeaders = true
                    events.append(.headers(ResponseHeadersEvent(time: t, call: id, metadata: entries(metadata))))
                case .status(let status, let trailers):
                    let details = (status.details?.details ?? []).map {
                        StatusDetails.json(typeURL: $0.typeURL, value: $0.value, registry: registry)
                    }
                    events.append(
                        .trailers(
                            TrailersEvent(
                                time: t, call: id, code: status.code.rawValue, message: status.message,
                                details: details, metadata: entries(trailers), trailersOnly: !sawHeaders,
                                httpStatus: sawHeaders ? nil : 200)))
                    events.append(.end(CallEndEvent(time: t, call: id, outcome: .ok)))
                }
            }
            for event in events { state.writer.append(event) }
            try state.writer.flush()
        }
    }

    private func time(_ instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (instant - createdInstant).components
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private func entries(_ metadata: Metadata) -> [MetadataEntry] {
        metadata.map { entry in
            let value: String
            switch entry.value {
            case .string(let text): value = text
            case .binary(let bytes): value = Base64.encode(bytes, padded: false)
            }
            return MetadataEntry(
                entry.key, redaction.redactsMetadata(entry.key) ? RecordingFormat.redactedMarker : value)
        }
    }

    private func message(
        _ bytes: [UInt8], _ call: Int, _ direction: MessageDirection, _ type: MessageType?, _ time: Int64
    )
        -> MessageEvent
    {
        var json: JSONValue?
        var decodeError: String?
        if let type {
            do {
                json = try DynamicMessage(type: type, serializedBytes: bytes).jsonValue()
            } catch {
                decodeError = "the bytes are not a valid \(type.fullName): \(error)"
            }
        }
        return MessageEvent(
            time: time, call: call, direction: direction, json: json, raw: bytes, size: bytes.count,
            decodeError: decodeError)
    }
}
