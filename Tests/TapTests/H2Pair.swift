import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2

/// A real HTTP/2 client and server (NIOHTTP2's state machines, HPACK with its dynamic table) on two
/// EmbeddedChannels, their bytes moved across by hand and kept: what a tap on the wire between them sees.
final class H2Pair {
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    /// Everything each side wrote, in order.
    private(set) var clientBytes = ByteBuffer()
    private(set) var serverBytes = ByteBuffer()

    init() throws {
        client = EmbeddedChannel(handler: NIOHTTP2Handler(mode: .client))
        server = EmbeddedChannel(handler: NIOHTTP2Handler(mode: .server))
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2)).wait()
        try pump()
    }

    /// Moves bytes both ways until neither side has more to say.
    func pump() throws {
        var moved = true
        while moved {
            moved = false
            while var bytes = try client.readOutbound(as: ByteBuffer.self) {
                moved = true
                clientBytes.writeBytes(bytes.readableBytesView)
                try server.writeInbound(bytes.readSlice(length: bytes.readableBytes)!)
            }
            while var bytes = try server.readOutbound(as: ByteBuffer.self) {
                moved = true
                serverBytes.writeBytes(bytes.readableBytesView)
                try client.writeInbound(bytes.readSlice(length: bytes.readableBytes)!)
            }
            while try client.readInbound(as: HTTP2Frame.self) != nil {}
            while try server.readInbound(as: HTTP2Frame.self) != nil {}
        }
    }

    /// Sends a frame from the client.
    func fromClient(_ stream: Int, _ payload: HTTP2Frame.FramePayload) throws {
        try client.writeOutbound(HTTP2Frame(streamID: HTTP2StreamID(stream), payload: payload))
        try pump()
    }

    /// Sends a frame from the server.
    func fromServer(_ stream: Int, _ payload: HTTP2Frame.FramePayload) throws {
        try server.writeOutbound(HTTP2Frame(streamID: HTTP2StreamID(stream), payload: payload))
        try pump()
    }

    /// Request headers for `path` (no END_STREAM): a call opened by the client.
    func openCall(stream: Int, path: String) throws {
        let request: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": "a", "content-type": "application/grpc",
        ]
        try fromClient(stream, .headers(.init(headers: request)))
    }

    /// One unary gRPC call on `stream`: request headers (with `metadata`), a framed request with END_STREAM,
    /// response headers, a framed response, trailers.
    func unaryCall(stream: Int, path: String = "/demo.v1.Demo/SayHello", metadata: [(String, String)] = []) throws {
        var request: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": "127.0.0.1",
            "content-type": "application/grpc", "te": "trailers",
        ]
        for (name, value) in metadata { request.add(name: name, value: value) }
        try fromClient(stream, .headers(.init(headers: request)))
        try fromClient(stream, .data(.init(data: .byteBuffer(Self.message([0x0A, 0x01, 0x41])), endStream: true)))
        try fromServer(stream, .headers(.init(headers: [":status": "200", "content-type": "application/grpc"])))
        try fromServer(stream, .data(.init(data: .byteBuffer(Self.message([0x0A, 0x02, 0x42, 0x43])))))
        try fromServer(stream, .headers(.init(headers: ["grpc-status": "0", "grpc-message": ""], endStream: true)))
    }

    /// A gRPC length-prefixed message.
    static func message(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: [0])
        buffer.writeInteger(UInt32(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }
}
