import GRPCProtocol
import NIOCore
import NIOHPACK

/// Response headers built once and sent by many calls (a mock's recorded answers): no header list is
/// assembled per call.
public struct PreparedHeaders: Sendable {
    let block: HPACKHeaders

    /// The headers of a response carrying `metadata`, with the `grpc-accept-encoding` a server with
    /// `configuration` advertises. Messages sent after them go uncompressed.
    public init(metadata: Metadata, configuration: GRPCServer.Configuration = .defaults) {
        let names = configuration.acceptedEncodings.map(\.name)
        block = ResponseHeaders.headers(
            metadata: metadata, encoding: nil, acceptEncoding: names.isEmpty ? nil : names.joined(separator: ","))
    }
}

/// A response message framed once (uncompressed, with its 5-byte prefix) and sent by many calls.
public struct PreparedMessage: Sendable {
    /// The framed bytes.
    public let framed: ByteBuffer

    /// Frames `message`; throws `RESOURCE_EXHAUSTED` when it is larger than `maxSize`.
    public init(_ message: ByteBuffer, maxSize: Int = Int(Int32.max)) throws(GRPCStatus) {
        framed = try MessageFramer.frame(message, compressor: nil, maxSize: maxSize, allocator: ByteBufferAllocator())
    }
}

/// A call's status and trailing metadata encoded once, in both shapes a server may need: trailers after
/// headers, or a trailers-only response. `grpc-status-details-bin` goes after the metadata, where grpc's C
/// core puts it (a recording keeps the metadata's order but not the details' place among it).
public struct PreparedStatus: Sendable {
    /// The status.
    public let status: GRPCStatus
    let trailers: HPACKHeaders
    let trailersOnly: HPACKHeaders

    /// The trailers of `status` with `metadata`.
    public init(_ status: GRPCStatus, metadata: Metadata = [:]) {
        self.status = status
        var plain = status
        plain.details = nil
        var trailers = ResponseHeaders.trailers(status: plain, metadata: metadata, trailersOnly: false)
        var trailersOnly = ResponseHeaders.trailers(status: plain, metadata: metadata, trailersOnly: true)
        if let details = status.details {
            let value = Base64.encode(details.serializedBytes(), padded: false)
            trailers.add(name: "grpc-status-details-bin", value: value, indexing: .nonIndexable)
            trailersOnly.add(name: "grpc-status-details-bin", value: value, indexing: .nonIndexable)
        }
        self.trailers = trailers
        self.trailersOnly = trailersOnly
    }
}

extension ServerCall {
    /// Sends prepared response headers now (nothing if headers already went out). Call it on the call's
    /// event loop: this is the hot path of servers that answer from memory.
    public func sendHeaders(_ prepared: PreparedHeaders) {
        eventLoop.preconditionInEventLoop()
        guard state.headersNeeded(), let connection else { return }
        connection.writeHeaders(prepared.block, streamID: streamID, endStream: false)
    }

    /// Sends a prepared message (headers without metadata first, if none went out). On the event loop.
    public func send(_ prepared: PreparedMessage, promise: EventLoopPromise<Void>? = nil) {
        eventLoop.preconditionInEventLoop()
        guard !state.isFinished, let connection else {
            promise?.fail(GRPCStatus(code: .cancelled, message: "the call is already over"))
            return
        }
        // The bytes are framed uncompressed: the headers must not announce an encoding.
        responseCompression = nil
        writeHeaders([:])
        connection.writeData(prepared.framed, streamID: streamID, promise: promise)
    }

    /// Ends the call with a prepared status: trailers, or a trailers-only response when nothing was sent.
    /// On the event loop.
    public func finish(_ prepared: PreparedStatus) {
        eventLoop.preconditionInEventLoop()
        guard let connection else { return }
        switch state.finish() {
        case .none:
            return
        case .trailersOnly(let resetAfter):
            connection.writeHeaders(prepared.trailersOnly, streamID: streamID, endStream: true)
            end(resetAfter: resetAfter, connection: connection)
        case .trailers(let resetAfter):
            connection.writeHeaders(prepared.trailers, streamID: streamID, endStream: true)
            end(resetAfter: resetAfter, connection: connection)
        }
    }
}
