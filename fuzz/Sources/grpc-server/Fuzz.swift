import GRPCProtocol
import GRPCWire
import NIOCore
import NIOEmbedded

/// The gRPC server's connection pipeline (HTTP/2, gRPC framing, compression, limits) on an
/// `EmbeddedChannel`, fed the input as the bytes a client sent. Every path is an echo: each request
/// message is sent back, and the call finishes OK when the client half-closes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let channel = EmbeddedChannel()
    do {
        try GRPCServer.serve(on: channel, router: router, configuration: configuration)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50051)).wait()
    } catch {
        fatalError("cannot serve on an EmbeddedChannel: \(error)")
    }
    // Two writes, so a frame split across reads is exercised too.
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let cut = size / 2
    for part in [bytes[..<cut], bytes[cut...]] where channel.isActive {
        _ = try? channel.writeInbound(ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: part)))
        channel.embeddedEventLoop.run()
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
    }
    channel.embeddedEventLoop.advanceTime(by: .seconds(60))
    _ = try? channel.finish(acceptAlreadyClosed: true)
    return 0
}

private final class EchoHandler: ServerCallHandler {
    func received(_ message: ByteBuffer, call: ServerCall) { call.send(message) }
    func receivedEnd(call: ServerCall) { call.finish() }
}

private let router: ServerRouter = {
    var router = ServerRouter()
    router.fallback { _ in EchoHandler() }
    return router
}()

/// Small limits, so inputs reach them.
private let configuration = GRPCServer.Configuration.defaults {
    $0.maxReceiveMessageSize = 64 * 1024
    $0.http2.maxConcurrentStreams = 100
}
