import GRPCWire
import NIOCore
import ProtoCodec

/// `Chat`: answers each message with `echo: <text>` and its 1-based sequence number, as it arrives.
final class ChatHandler: ServerCallHandler {
    private var sequence: Int32 = 0
    private var trailers: Metadata?

    func received(_ message: ByteBuffer, call: ServerCall) {
        if trailers == nil { trailers = DemoCall.begin(call) }
        guard let request = DemoCall.decode(message, as: DemoTypes.chatMessage, call: call) else { return }
        sequence += 1
        var reply = DemoTypes.chatMessage.makeMessage()
        reply["text"] = .string("echo: " + (request["text"]?.stringValue ?? ""))
        reply["sequence"] = .int32(sequence)
        call.send(DemoCall.encode(reply))
    }

    func receivedEnd(call: ServerCall) {
        let trailers = self.trailers ?? DemoCall.begin(call)
        call.finish(.ok, trailers: trailers)
    }
}
