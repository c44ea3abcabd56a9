import NIOCore
import NIOEmbedded
import NIOHTTP2

@testable import GRPCWire

/// A client stack (HTTP2ClientCodec and the gRPC client handler) and a server stack (NIOHTTP2Handler and
/// the gRPC server handler) on two EmbeddedChannels wired back to back: bytes move only when `pump()` is
/// called.
final class EmbeddedPair {
    let client = EmbeddedChannel()
    let server = EmbeddedChannel()
    let clientHandler: ClientConnectionHandler
    let serverHandler: ServerConnectionHandler

    init(
        router: ServerRouter, server serverConfiguration: GRPCServer.Configuration = .defaults,
        client clientConfiguration: ClientConnection.Configuration = .defaults
    ) throws {
        let serverWitness = GoAwayWitness()
        clientHandler = ClientConnectionHandler(
            configuration: clientConfiguration, target: "pair:1", authority: "pair:1", useTLS: false,
            shared: ConnectionState(), readyPromise: client.embeddedEventLoop.makePromise())
        serverHandler = ServerConnectionHandler(
            configuration: serverConfiguration, router: router, witness: serverWitness)
        try client.pipeline.syncOperations.addHandler(
            HTTP2ClientCodec(localSettings: ClientConnectionHandler.initialSettings(clientConfiguration)))
        try client.pipeline.syncOperations.addHandler(clientHandler)
        try server.pipeline.syncOperations.addHandler(
            HTTP2HandlerFactory.makeServer(
                settings: ServerConnectionHandler.initialSettings(serverConfiguration), witness: serverWitness))
        try server.pipeline.syncOperations.addHandler(serverHandler)
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
        try pump()
    }

    /// Moves bytes both ways until neither side has anything left to say.
    func pump() throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: IOData.self) {
                guard case .byteBuffer(let buffer) = bytes else { continue }
                try server.writeInbound(buffer)
                moved = true
            }
            while let bytes = try server.readOutbound(as: IOData.self) {
                guard case .byteBuffer(let buffer) = bytes else { continue }
                try client.writeInbound(buffer)
                moved = true
            }
        }
    }

    /// Starts a call with `requests` and half-closes it.
    func call(
        _ path: String, requests: [ByteBuffer], options: CallOptions = .defaults
    ) throws -> EmbeddedClient.Observed {
        let observed = EmbeddedClient.Observed()
        let call = ClientCall(
            path: path, options: options, eventLoop: client.embeddedEventLoop, delegate: observed,
            acceptedEncodings: CompressionAlgorithm.all, streamWindowSize: 4 << 20)
        clientHandler.startCall(call)
        for request in requests { call.send(request) }
        call.end()
        try pump()
        return observed
    }
}
