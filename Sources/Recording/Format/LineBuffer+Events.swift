import GRPCProtocol
import ProtoCodec

/// The line of each event type, keys in the order `docs/recording-format.md` gives.
extension LineBuffer {
    mutating func header(_ header: RecordingHeader) {
        raw(#"{"type":"header","format":"#)
        string(RecordingFormat.name)
        raw(#","version":"#)
        int(header.version)
        raw(#","created":"#)
        string(RFC3339.string(from: header.created))
        raw(#","source":{"kind":"#)
        string(header.source.kind)
        for member in header.source.details {
            raw(",")
            string(member.key)
            raw(":")
            json(member.value)
        }
        raw("}")
        if let schema = header.schema {
            raw(#","schema":{"fingerprint":"#)
            string(schema.fingerprint)
            raw(#","files":"#)
            strings(schema.files)
            raw(#","descriptor_set":"#)
            base64(schema.descriptorSet)
            raw("}")
        }
        raw(#","redaction":{"metadata":"#)
        strings(header.redaction.metadataKeys)
        raw(#","fields":"#)
        strings(header.redaction.fieldPaths)
        raw("}}\n")
    }

    mutating func event(_ event: RecordingEvent) {
        switch event {
        case .call(let call): callStart(call)
        case .message(let message):
            let json = message.json?.jsonUTF8()
            message.raw.withUnsafeBytes { raw in
                self.message(
                    time: message.time, call: message.call, direction: message.direction, json: json, raw: raw,
                    size: message.size, compressed: message.compressed, decodeError: message.decodeError,
                    redacted: message.redacted, rawFields: message.rawFields)
            }
        case .headers(let headers): responseHeaders(headers)
        case .trailers(let trailers): self.trailers(trailers)
        case .halfClose(let halfClose): self.halfClose(halfClose)
        case .cancel(let cancel): self.cancel(cancel)
        case .end(let end): self.end(end)
        }
    }

    /// The start of an event line up to its call id; `opening` is `{"type":"<type>","t":`, whole, so the
    /// constant part is one copy, not three.
    private mutating func prefix(_ opening: StaticString, time: Int64, call: Int) {
        raw(opening)
        int(time)
        raw(#","call":"#)
        int(call)
    }

    mutating func callStart(_ event: CallStartEvent) {
        callStartHead(time: event.time, call: event.call, connection: event.connection, stream: event.stream)
        callStartTail(event)
    }

    /// A call line up to its stream: what differs from call to call.
    mutating func callStartHead(time: Int64, call: Int, connection: Int, stream: Int) {
        prefix(#"{"type":"call","t":"#, time: time, call: call)
        raw(#","conn":"#)
        int(connection)
        raw(#","stream":"#)
        int(stream)
    }

    /// The rest of a call line, made from the request headers alone.
    mutating func callStartTail(_ event: CallStartEvent) {
        raw(#","method":"#)
        string(event.method)
        if event.methodInferred { raw(#","method_inferred":true"#) }
        raw(#","kind":"#)
        string(event.kind.rawValue)
        if let authority = event.authority {
            raw(#","authority":"#)
            string(authority)
        }
        raw(#","metadata":"#)
        metadata(event.metadata)
        if let timeout = event.timeoutNanoseconds {
            raw(#","timeout_ns":"#)
            int(timeout)
        }
        raw(#","encoding":"#)
        string(event.encoding)
        if event.unknownHeaders > 0 {
            raw(#","unknown_headers":"#)
            int(event.unknownHeaders)
        }
        raw("}\n")
    }

    /// A message line; `json` is compact proto3 JSON bytes when the message decoded.
    mutating func message(
        time: Int64, call: Int, direction: MessageDirection, json: [UInt8]?, raw payload: UnsafeRawBufferPointer,
        size: Int, compressed: Bool, decodeError: String?, redacted: [String], rawFields: JSONValue?
    ) {
        prefix(#"{"type":"message","t":"#, time: time, call: call)
        raw(direction == .request ? #","dir":"request""# : #","dir":"response""#)
        if let json {
            raw(#","json":"#)
            append(json)
        }
        raw(#","raw":"#)
        base64(payload)
        raw(#","size":"#)
        int(size)
        raw(#","compressed":"#)
        bool(compressed)
        if let decodeError {
            raw(#","decode_error":"#)
            string(decodeError)
        }
        if !redacted.isEmpty {
            raw(#","redacted":"#)
            strings(redacted)
        }
        if let rawFields {
            raw(#","raw_fields":"#)
            self.json(rawFields)
        }
        raw("}\n")
    }

    mutating func responseHeaders(_ event: ResponseHeadersEvent) {
        responseHeadersHead(time: event.time, call: event.call)
        responseHeadersTail(event)
    }

    mutating func responseHeadersHead(time: Int64, call: Int) {
        prefix(#"{"type":"headers","t":"#, time: time, call: call)
    }

    /// The rest of a headers line, made from the header block alone.
    mutating func responseHeadersTail(_ event: ResponseHeadersEvent) {
        raw(#","status":"#)
        int(event.status)
        raw(#","metadata":"#)
        metadata(event.metadata)
        raw(#","encoding":"#)
        string(event.encoding)
        raw("}\n")
    }

    mutating func trailers(_ event: TrailersEvent) {
        trailersHead(time: event.time, call: event.call)
        trailersTail(event)
    }

    mutating func trailersHead(time: Int64, call: Int) {
        prefix(#"{"type":"trailers","t":"#, time: time, call: call)
    }

    /// The rest of a trailers line, made from the header block and whether it was trailers-only.
    mutating func trailersTail(_ event: TrailersEvent) {
        raw(#","code":"#)
        int(event.code)
        raw(#","message":"#)
        string(event.message)
        raw(#","details":["#)
        for (index, detail) in event.details.enumerated() {
            if index > 0 { raw(",") }
            json(detail)
        }
        raw(#"],"metadata":"#)
        metadata(event.metadata)
        raw(#","trailers_only":"#)
        bool(event.trailersOnly)
        if let status = event.httpStatus {
            raw(#","status":"#)
            int(status)
        }
        raw("}\n")
    }

    mutating func halfClose(_ event: HalfCloseEvent) {
        prefix(#"{"type":"half_close","t":"#, time: event.time, call: event.call)
        raw("}\n")
    }

    mutating func cancel(_ event: CancelEvent) {
        prefix(#"{"type":"cancel","t":"#, time: event.time, call: event.call)
        raw(#","error_code":"#)
        int(Int64(event.errorCode))
        raw("}\n")
    }

    mutating func end(_ event: CallEndEvent) {
        prefix(#"{"type":"end","t":"#, time: event.time, call: event.call)
        switch event.outcome {
        case .ok:
            raw(#","outcome":"ok"}"#)
        case .reset(let by, let code):
            raw(#","outcome":"reset","by":"#)
            string(by.rawValue)
            raw(#","error_code":"#)
            int(Int64(code))
            raw("}")
        case .error(let reason):
            raw(#","outcome":"error","error":"#)
            string(reason)
            raw("}")
        }
        raw("\n")
    }
}
