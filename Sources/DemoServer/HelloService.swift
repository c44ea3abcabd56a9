import GRPCWire
import NIOCore
import ProtoCodec

/// `hello.HelloService`, the service of k6's gRPC examples.
enum HelloService {
    static func register(on router: inout ServerRouter) {
        router.unary("/hello.HelloService/SayHello") { buffer, call in
            let trailers = DemoCall.begin(call)
            guard let request = DemoCall.decode(buffer, as: DemoTypes.helloServiceRequest, call: call) else { return }
            DemoCall.respond(call, reply("hello " + greeting(request)), trailers: trailers)
        }
        router.serverStreaming("/hello.HelloService/LotsOfReplies") { buffer, call in
            let trailers = DemoCall.begin(call)
            guard let request = DemoCall.decode(buffer, as: DemoTypes.helloServiceRequest, call: call) else { return }
            for index in 1...3 { call.send(DemoCall.encode(reply("hello \(greeting(request)) \(index)"))) }
            call.finish(.ok, trailers: trailers)
        }
        router.register("/hello.HelloService/LotsOfGreetings") { _ in GreetingsHandler(bidirectional: false) }
        router.register("/hello.HelloService/BidiHello") { _ in GreetingsHandler(bidirectional: true) }
    }

    static func greeting(_ request: DynamicMessage) -> String { request["greeting"]?.stringValue ?? "" }

    static func reply(_ text: String) -> DynamicMessage {
        var reply = DemoTypes.helloServiceResponse.makeMessage()
        reply["reply"] = .string(text)
        return reply
    }
}

/// `LotsOfGreetings` (one reply naming everyone, at the end) and `BidiHello` (one reply per greeting).
final class GreetingsHandler: ServerCallHandler {
    private let bidirectional: Bool
    private var greetings: [String] = []
    private var trailers: Metadata?

    init(bidirectional: Bool) { self.bidirectional = bidirectional }

    func received(_ message: ByteBuffer, call: ServerCall) {
        if trailers == nil { trailers = DemoCall.begin(call) }
        guard let request = DemoCall.decode(message, as: DemoTypes.helloServiceRequest, call: call) else { return }
        let greeting = HelloService.greeting(request)
        if bidirectional {
            call.send(DemoCall.encode(HelloService.reply("hello " + greeting)))
        } else {
            greetings.append(greeting)
        }
    }

    func receivedEnd(call: ServerCall) {
        let trailers = self.trailers ?? DemoCall.begin(call)
        if !bidirectional {
            call.send(DemoCall.encode(HelloService.reply("hello " + greetings.joined(separator: ", "))))
        }
        call.finish(.ok, trailers: trailers)
    }
}
