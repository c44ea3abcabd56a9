import ProtoCodec

/// Turns one parsed event line into a ``RecordingEvent``, checking keys and types.
enum EventDecoder {
    static func event(_ object: JSONObject) throws(LineProblem) -> RecordingEvent {
        guard let typeValue = object["type"] else { throw LineProblem("the line has no \"type\"") }
        guard case .string(let type) = typeValue else { throw LineProblem("\"type\" must be a string") }
        let fields = LineFields(object: object, type: type)
        switch type {
        case "call": return .call(try call(fields))
        case "message": return .message(try message(fields))
        case "headers": return .headers(try headers(fields))
        case "trailers": return .trailers(try trailers(fields))
        case "half_close": return .halfClose(try halfClose(fields))
        case "cancel": return .cancel(try cancel(fields))
        case "end": return .end(try end(fields))
        case "header":
            throw LineProblem("a second header line; a recording has one header, on its first line")
        default:
            throw LineProblem(
                "unknown event type \"\(type)\" (expected call, message, headers, trailers, half_close, cancel or end)")
        }
    }

    private static func common(_ fields: LineFields) throws(LineProblem) -> (time: Int64, call: Int) {
        let time = try fields.nonNegativeInt("t")
        let call = try fields.int("call")
        guard call > 0, call <= Int64(Int32.max) else {
            throw LineProblem("\(fields.type) line: \"call\" must be a positive integer, got \(call)")
        }
        return (time, Int(call))
    }

    private static func call(_ fields: LineFields) throws(LineProblem) -> CallStartEvent {
        let (time, call) = try common(fields)
        var event = CallStartEvent(
            time: time, call: call, connection: Int(try fields.nonNegativeInt("conn")),
            stream: Int(try fields.nonNegativeInt("stream")), method: try fields.string("method"),
            kind: try fields.oneOf(
                "kind", RPCKind.self, allowed: "unary, client_streaming, server_streaming, bidi or unknown"),
            authority: try fields.optionalString("authority"), metadata: try fields.metadata("metadata"),
            timeoutNanoseconds: try fields.optionalInt("timeout_ns"),
            encoding: try fields.optionalString("encoding") ?? "identity")
        event.methodInferred = try fields.optionalBool("method_inferred") ?? false
        event.unknownHeaders = Int(try fields.optionalInt("unknown_headers") ?? 0)
        return event
    }

    private static func message(_ fields: LineFields) throws(LineProblem) -> MessageEvent {
        let (time, call) = try common(fields)
        var json = fields.object["json"]
        if json?.isNull == true { json = nil }
        return MessageEvent(
            time: time, call: call,
            direction: try fields.oneOf("dir", MessageDirection.self, allowed: "request or response"),
            json: json, raw: try fields.base64("raw"), size: Int(try fields.nonNegativeInt("size")),
            compressed: try fields.optionalBool("compressed") ?? false,
            decodeError: try fields.optionalString("decode_error"),
            redacted: try fields.optionalStrings("redacted") ?? [], rawFields: fields.object["raw_fields"])
    }

    private static func headers(_ fields: LineFields) throws(LineProblem) -> ResponseHeadersEvent {
        let (time, call) = try common(fields)
        return ResponseHeadersEvent(
            time: time, call: call, status: Int(try fields.int("status")), metadata: try fields.metadata("metadata"),
            encoding: try fields.optionalString("encoding") ?? "identity")
    }

    private static func trailers(_ fields: LineFields) throws(LineProblem) -> TrailersEvent {
        let (time, call) = try common(fields)
        var details: [JSONValue] = []
        if let value = fields.object["details"], !value.isNull {
            guard case .array(let elements) = value else {
                throw LineProblem("trailers line: \"details\" must be an array of objects")
            }
            for element in elements {
                guard case .object(let detail) = element, case .string = detail["@type"] else {
                    throw LineProblem("trailers line: each of \"details\" must be an object with an \"@type\" string")
                }
                details.append(element)
            }
        }
        let code = try fields.int("code")
        guard code >= 0, code <= Int64(Int32.max) else {
            throw LineProblem("trailers line: \"code\" must be a gRPC status code (0 to 16), got \(code)")
        }
        return TrailersEvent(
            time: time, call: call, code: Int(code), message: try fields.optionalString("message") ?? "",
            details: details, metadata: try fields.metadata("metadata"),
            trailersOnly: try fields.optionalBool("trailers_only") ?? false,
            httpStatus: try fields.optionalInt("status").map { Int($0) })
    }

    private static func halfClose(_ fields: LineFields) throws(LineProblem) -> HalfCloseEvent {
        let (time, call) = try common(fields)
        return HalfCloseEvent(time: time, call: call)
    }

    private static func cancel(_ fields: LineFields) throws(LineProblem) -> CancelEvent {
        let (time, call) = try common(fields)
        return CancelEvent(time: time, call: call, errorCode: try errorCode(fields))
    }

    /// An HTTP/2 error code: a 32-bit unsigned integer.
    private static func errorCode(_ fields: LineFields) throws(LineProblem) -> UInt32 {
        let code = try fields.nonNegativeInt("error_code")
        guard code <= Int64(UInt32.max) else {
            throw LineProblem("\(fields.type) line: \"error_code\" must be an HTTP/2 error code, got \(code)")
        }
        return UInt32(code)
    }

    private static func end(_ fields: LineFields) throws(LineProblem) -> CallEndEvent {
        let (time, call) = try common(fields)
        let outcome: CallEndEvent.Outcome
        switch try fields.string("outcome") {
        case "ok":
            outcome = .ok
        case "reset":
            let by = try fields.oneOf("by", CallSide.self, allowed: "client or server")
            outcome = .reset(by: by, errorCode: try errorCode(fields))
        case "error":
            outcome = .error(try fields.string("error"))
        case let other:
            throw LineProblem("end line: \"outcome\" must be ok, reset or error, got \"\(other)\"")
        }
        return CallEndEvent(time: time, call: call, outcome: outcome)
    }
}
