import NIOCore

/// Graceful shutdown of one connection, with frames of the proxy's own put between the server's.
extension RelayConnection {
    /// GOAWAY with the largest id (no new streams, please) and a PING; when the ACK proves the client saw
    /// it, a final GOAWAY names the last stream it opened, and the connection closes once its streams are
    /// done. Every stream the client opened before it saw the GOAWAY goes to the server as usual.
    func startDraining() {
        if fallback {
            if streams.highest == 0 { close() } else { fallbackReadComplete() }
            return
        }
        guard case .none = drain, downstream != nil, upstreamReady else {
            if streams.isEmpty { close() }
            return
        }
        drain = .announced
        var frames = ByteBuffer()
        Self.writeGoAway(into: &frames, lastStream: 0x7FFF_FFFF)
        Self.writePing(into: &frames, data: Self.drainPing)
        sendToClient(frames)
    }

    func sendFinalGoAway() {
        guard case .announced = drain else { return }
        drain = .final
        var frame = ByteBuffer()
        Self.writeGoAway(into: &frame, lastStream: streams.highest)
        sendToClient(frame)
        if streams.isEmpty { closeAfterFlush() }
    }

    /// A GOAWAY frame with NO_ERROR.
    static func writeGoAway(into buffer: inout ByteBuffer, lastStream: UInt32) {
        writeFrameHeader(into: &buffer, length: 8, type: 0x7, flags: 0)
        buffer.writeInteger(lastStream & 0x7FFF_FFFF)
        buffer.writeInteger(UInt32(0))
    }

    /// A PING frame (not an ACK).
    static func writePing(into buffer: inout ByteBuffer, data: UInt64) {
        writeFrameHeader(into: &buffer, length: 8, type: 0x6, flags: 0)
        buffer.writeInteger(data)
    }

    private static func writeFrameHeader(into buffer: inout ByteBuffer, length: Int, type: UInt8, flags: UInt8) {
        buffer.writeInteger(UInt8(truncatingIfNeeded: length >> 16))
        buffer.writeInteger(UInt16(truncatingIfNeeded: length))
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeInteger(UInt32(0))
    }
}
