import NIOCore

/// One direction of a TCP connection being put back in order: the next sequence number expected, and the
/// segments that arrived ahead of it (held until the missing bytes come, within a byte budget).
///
/// Sequence numbers wrap at 2^32; positions compare by their signed 32-bit distance, as TCP does.
final class TCPDirection {
    /// Whether a SYN or the first payload fixed where the stream starts.
    var started = false
    /// The sequence number of the next byte to deliver.
    var next: UInt32 = 0
    /// Bytes delivered so far (the offset of `next` in the stream).
    var delivered: Int64 = 0
    /// The sequence number of the FIN, once seen.
    var finSequence: UInt32?
    /// Whether the FIN was reached in order: the direction is over.
    var finished = false
    /// Segments ahead of `next`, sorted by sequence number.
    var held: [(sequence: UInt32, bytes: ByteBuffer)] = []
    /// Payload bytes in `held`.
    var heldBytes = 0

    /// The signed distance from `next` to `sequence`.
    @inline(__always) func distance(to sequence: UInt32) -> Int {
        Int(Int32(bitPattern: sequence &- next))
    }

    /// Holds a segment that starts after `next`; returns false if the sequence number is already held
    /// (a retransmission of a segment still waiting).
    func hold(_ sequence: UInt32, _ bytes: ByteBuffer) -> Bool {
        let distance = self.distance(to: sequence)
        var index = held.count
        while index > 0, self.distance(to: held[index - 1].sequence) > distance { index -= 1 }
        if index > 0, held[index - 1].sequence == sequence, held[index - 1].bytes.readableBytes >= bytes.readableBytes {
            return false
        }
        held.insert((sequence, bytes), at: index)
        heldBytes += bytes.readableBytes
        return true
    }

    /// Removes and returns the next held bytes that continue the stream at `next` (their already-delivered
    /// prefix trimmed), skipping held segments wholly behind `next`; nil when the next byte is missing.
    func takeContinuation() -> ByteBuffer? {
        while let first = held.first {
            let distance = self.distance(to: first.sequence)
            if distance > 0 { return nil }
            held.removeFirst()
            heldBytes -= first.bytes.readableBytes
            var bytes = first.bytes
            let overlap = -distance
            if overlap >= bytes.readableBytes { continue }
            bytes.moveReaderIndex(forwardBy: overlap)
            return bytes
        }
        return nil
    }

    /// Marks `count` bytes as delivered; reaching the FIN ends the direction.
    func advance(by count: Int) {
        next = next &+ UInt32(truncatingIfNeeded: count)
        delivered += Int64(count)
        if let finSequence, next == finSequence {
            finished = true
            next = next &+ 1
        }
    }
}
