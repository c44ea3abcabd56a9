import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec

/// `Countdown`: `from`, `from - 1`, ..., 1, optionally `interval_ms` apart; stops when the call is cancelled.
final class CountdownHandler: ServerCallHandler {
    private var request: ByteBuffer?
    private var next: Int32 = 0
    private var interval: TimeAmount = .zero
    private var trailers: Metadata = [:]
    private var timer: Scheduled<Void>?

    func received(_ message: ByteBuffer, call: ServerCall) {
        if request == nil { request = message }
    }

    func receivedEnd(call: ServerCall) {
        trailers = DemoCall.begin(call)
        guard let buffer = request, let message = DemoCall.decode(buffer, as: DemoTypes.countdownRequest, call: call)
        else {
            if request == nil { call.finish(GRPCStatus(code: .internalError, message: "received no request message")) }
            return
        }
        next = message["from"]?.int32 ?? 0
        interval = .milliseconds(Int64(max(0, message["interval_ms"]?.int32 ?? 0)))
        step(call)
    }

    private func step(_ call: ServerCall) {
        while next > 0 {
            var reply = DemoTypes.countdownReply.makeMessage()
            reply["number"] = .int32(next)
            call.send(DemoCall.encode(reply))
            next -= 1
            if next > 0, interval > .zero {
                timer = call.eventLoop.assumeIsolated().scheduleTask(in: interval) { self.step(call) }
                return
            }
        }
        call.finish(.ok, trailers: trailers)
    }

    func cancelled(call: ServerCall, status: GRPCStatus) {
        timer?.cancel()
        next = 0
    }
}
