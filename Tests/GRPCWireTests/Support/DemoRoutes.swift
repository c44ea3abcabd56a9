import GRPCProtocol
import GRPCWire
import NIOCore
import Synchronization

/// The `demo.Wire` service the server-side interop tests serve, on raw bytes.
final class DemoRoutes: Sendable {
    /// How many calls to `Slow` were cancelled (deadline or client reset).
    let cancelledSlowCalls = Atomic<Int>(0)

    var router: ServerRouter {
        var router = ServerRouter()
        router.unary("/demo.Wire/Unary") { request, call in
            var headers: Metadata = [:]
            for entry in call.requestMetadata where entry.key.hasPrefix("x-") {
                headers.add(entry.key, value: entry.value)
            }
            call.respond(request, headers: headers, trailers: ["x-trailer": "t", "x-trailer-bin": .binary([1, 2])])
        }
        router.serverStreaming("/demo.Wire/ServerStream") { request, call in
            for index in 0..<(Int(String(buffer: request)) ?? 0) { call.send(ByteBuffer(string: "item-\(index)")) }
            call.finish()
        }
        router.register("/demo.Wire/ClientStream") { _ in Concatenate() }
        router.register("/demo.Wire/Bidi") { _ in Echo() }
        router.unary("/demo.Wire/Fail") { _, call in
            let details = RPCStatus(
                code: 3, message: "bad ümlaut request",
                details: [.init(typeURL: "type.googleapis.com/google.rpc.ErrorInfo", value: [10, 3, 65, 66, 67])])
            call.finish(
                GRPCStatus(code: .invalidArgument, message: "bad ümlaut request", details: details),
                trailers: ["x-why": "because"])
        }
        router.register("/demo.Wire/Slow") { [self] _ in NeverAnswers(counter: self) }
        router.unary("/demo.Wire/CancelledCount") { [self] _, call in
            call.respond(ByteBuffer(string: "\(cancelledSlowCalls.load(ordering: .relaxed))"))
        }
        return router
    }
}

/// Client streaming: answers with every request message concatenated.
private final class Concatenate: ServerCallHandler {
    private var collected = ByteBuffer()

    func received(_ message: ByteBuffer, call: ServerCall) {
        var message = message
        collected.writeBuffer(&message)
    }

    func receivedEnd(call: ServerCall) { call.respond(collected) }
}

/// Bidirectional streaming: echoes each message as it comes, ends when the client does.
private final class Echo: ServerCallHandler {
    func received(_ message: ByteBuffer, call: ServerCall) { call.send(message) }
    func receivedEnd(call: ServerCall) { call.finish() }
}

/// Never answers; counts the cancellation that ends it.
private final class NeverAnswers: ServerCallHandler {
    private let counter: DemoRoutes

    init(counter: DemoRoutes) { self.counter = counter }

    func received(_ message: ByteBuffer, call: ServerCall) {}
    func receivedEnd(call: ServerCall) {}
    func cancelled(call: ServerCall, status: GRPCStatus) {
        counter.cancelledSlowCalls.add(1, ordering: .relaxed)
    }
}
