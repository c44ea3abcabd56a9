import GRPCWire
import NIOCore
import ProtoCodec

/// `Sleep`: answers after the requested duration; a deadline or a cancellation ends it first (the timer is
/// dropped, nothing is sent).
final class SleepHandler: ServerCallHandler {
    private var request: ByteBuffer?
    private var timer: Scheduled<Void>?

    func received(_ message: ByteBuffer, call: ServerCall) {
        if request == nil { request = message }
    }

    func receivedEnd(call: ServerCall) {
        let trailers = DemoCall.begin(call)
        guard let buffer = request, let message = DemoCall.decode(buffer, as: DemoTypes.sleepRequest, call: call)
        else { return }
        let duration = message["duration"]?.messageValue
        let seconds = duration?["seconds"]?.int64 ?? 0
        let nanos = Int64(duration?["nanos"]?.int32 ?? 0)
        let wait = TimeAmount.nanoseconds(max(0, seconds * 1_000_000_000 + nanos))
        timer = call.eventLoop.scheduleTask(in: wait) {
            var reply = DemoTypes.sleepReply.makeMessage()
            if let duration { reply["slept"] = .message(duration) }
            DemoCall.respond(call, reply, trailers: trailers)
        }
    }

    func cancelled(call: ServerCall, status: GRPCStatus) {
        timer?.cancel()
    }
}
