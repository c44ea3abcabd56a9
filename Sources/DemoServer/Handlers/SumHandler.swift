import GRPCWire
import NIOCore
import ProtoCodec

/// `Sum`: adds up every value sent and answers once the client half-closes.
final class SumHandler: ServerCallHandler {
    private var total: Int64 = 0
    private var count: Int32 = 0
    private var failed = false

    func received(_ message: ByteBuffer, call: ServerCall) {
        guard !failed else { return }
        guard let request = DemoCall.decode(message, as: DemoTypes.sumRequest, call: call) else {
            failed = true
            return
        }
        total &+= request["value"]?.int64 ?? 0
        count += 1
    }

    func receivedEnd(call: ServerCall) {
        guard !failed else { return }
        let trailers = DemoCall.begin(call)
        var reply = DemoTypes.sumReply.makeMessage()
        reply["total"] = .int64(total)
        reply["count"] = .int32(count)
        DemoCall.respond(call, reply, trailers: trailers)
    }
}
