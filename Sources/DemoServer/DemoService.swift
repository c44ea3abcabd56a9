import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec

/// `demo.v1.Demo`: the routes of its eight methods.
enum DemoService {
    static func register(on router: inout ServerRouter) {
        router.unary("/demo.v1.Demo/SayHello") { buffer, call in
            let trailers = DemoCall.begin(call)
            guard let request = DemoCall.decode(buffer, as: DemoTypes.helloRequest, call: call) else { return }
            let name = request["name"]?.stringValue ?? ""
            var reply = DemoTypes.helloReply.makeMessage()
            reply["message"] = .string("Hello, \(name.isEmpty ? "world" : name)!")
            DemoCall.respond(call, reply, trailers: trailers)
        }
        router.unary("/demo.v1.Demo/Echo") { buffer, call in
            let trailers = DemoCall.begin(call)
            guard let request = DemoCall.decode(buffer, as: DemoTypes.echoRequest, call: call) else { return }
            var reply = DemoTypes.echoReply.makeMessage()
            reply["request"] = .message(request)
            let entries = trailers.map { entry in
                var message = DemoTypes.metadataEntry.makeMessage()
                message["key"] = .string(entry.key)
                message["value"] = .string(DemoCall.text(entry.value))
                return message
            }
            if !entries.isEmpty { reply["metadata"] = .list(.messages(entries)) }
            DemoCall.respond(call, reply, trailers: trailers)
        }
        router.register("/demo.v1.Demo/Countdown") { _ in CountdownHandler() }
        router.register("/demo.v1.Demo/Sum") { _ in SumHandler() }
        router.register("/demo.v1.Demo/Chat") { _ in ChatHandler() }
        router.register("/demo.v1.Demo/Sleep") { _ in SleepHandler() }
        router.unary("/demo.v1.Demo/Fail") { buffer, call in
            let trailers = DemoCall.begin(call)
            guard let request = DemoCall.decode(buffer, as: DemoTypes.failRequest, call: call) else { return }
            let code = request["code"]?.int32 ?? 0
            guard code != 0 else {
                return DemoCall.respond(call, DemoTypes.failReply.makeMessage(), trailers: trailers)
            }
            let details = FailDetails.make(for: request, code: code)
            call.finish(
                GRPCStatus(
                    code: StatusCode(rawValue: Int(code)), message: details.message, details: details),
                trailers: trailers)
        }
        router.unary("/demo.v1.Demo/Blob") { buffer, call in
            let trailers = DemoCall.begin(call)
            guard let request = DemoCall.decode(buffer, as: DemoTypes.blobRequest, call: call) else { return }
            let size = max(0, Int(request["size"]?.int32 ?? 0))
            var reply = DemoTypes.blobReply.makeMessage()
            reply["data"] = .bytes((0..<size).map { UInt8($0 % 251) })
            DemoCall.respond(call, reply, trailers: trailers)
        }
    }
}

/// The `google.rpc.Status` a `Fail` call ends with.
enum FailDetails {
    static func make(for request: DynamicMessage, code: Int32) -> RPCStatus {
        var info = request["error_info"]?.messageValue ?? DemoTypes.errorInfo.makeMessage()
        if request["error_info"] == nil {
            info["reason"] = .string("DEMO_FAILURE")
            info["domain"] = .string("demo.reprise.dev")
            info["metadata"] = .map(MapValue([MapValue.Entry(key: .string("code"), value: .string(String(code)))]))
        }
        var badRequest = DemoTypes.badRequest.makeMessage()
        if case .list(let violations) = request["field_violations"] {
            badRequest["field_violations"] = .list(violations)
        } else {
            var violation = DemoTypes.fieldViolation.makeMessage()
            violation["field"] = .string("code")
            violation["description"] = .string("the client asked for this status")
            badRequest["field_violations"] = .list(.messages([violation]))
        }
        return RPCStatus(
            code: code, message: request["message"]?.stringValue ?? "",
            details: [
                RPCStatus.Detail(
                    typeURL: "type.googleapis.com/google.rpc.ErrorInfo", value: try! info.serializedBytes()),
                RPCStatus.Detail(
                    typeURL: "type.googleapis.com/google.rpc.BadRequest", value: try! badRequest.serializedBytes()),
            ])
    }
}
