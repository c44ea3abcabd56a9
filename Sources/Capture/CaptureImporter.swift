import GRPCProtocol
import NIOCore
import Recording
import Tap

/// Turns captured packets into a recording: TCP segments are put back in order per connection and
/// direction, and each connection's two byte streams go through a ``TapRecorder``, the proxy's own
/// recorder, so a capture and a proxy record the same traffic the same way.
///
/// Nothing is guessed: a gap in a stream (a segment the capture missed, a packet cut short) ends that
/// connection's open calls as incomplete, with the reason; connections that are not HTTP/2 in the clear
/// (with prior knowledge, or after an HTTP/1.1 upgrade to h2c: ``H2CUpgrade``) are named in the
/// ``summary`` and skipped. Out-of-order bytes held per connection are bounded by
/// ``Configuration/maxHeldBytesPerConnection``. Confined to one thread.
///
/// ```swift
/// let importer = CaptureImporter(session: session, start: firstPacketTime)
/// while let packet = source.next() { importer.process(packet) }
/// importer.finish()
/// ```
public final class CaptureImporter {
    /// Limits and hints of an import.
    public struct Configuration: Sendable {
        /// Bytes held per connection waiting for a missing segment; past it the connection is skipped.
        public var maxHeldBytesPerConnection = 16 * 1024 * 1024
        /// Ports known to be servers', used to tell client from server when the capture missed the SYN.
        public var serverPorts: Set<UInt16> = []
        /// Secrets to decrypt TLS connections with (`--tls-keylog`); without them TLS connections are named
        /// and skipped.
        public var tlsKeyLog: TLSKeyLog?

        /// The defaults.
        public init() {}
    }

    final class Flow {
        let connection: Int
        let client: Endpoint
        let server: Endpoint
        let fromClient = TCPDirection()
        let fromServer = TCPDirection()
        /// Set once the connection is no longer decoded (not HTTP/2, cut short): later bytes are ignored.
        var ignored = false
        /// The TLS layer's decryption, for a TLS connection whose keys are logged.
        var tls: TLSConnectionDecryptor?
        /// Who sent the first FIN, for the reason given to calls still open.
        var firstToClose: CallSide?
        var clientSentFIN = false
        var serverSentFIN = false
        /// An HTTP/1.1 start asking for h2c, while either direction is still in its HTTP/1.1 part.
        var upgrade: H2CUpgrade?
        var upgradingClient = false
        var upgradingServer = false

        init(connection: Int, client: Endpoint, server: Endpoint) {
            self.connection = connection
            self.client = client
            self.server = server
        }

        var name: String { "connection \(connection) (\(client) → \(server))" }
    }

    /// Receives the tap's notices (connections whose bytes stopped being readable).
    private final class Notices {
        var items: [String] = []
    }

    /// The recorder the connections' bytes go to.
    public let recorder: TapRecorder
    private let configuration: Configuration
    private let start: Int64
    private var flows: [FlowKey: Flow] = [:]
    /// Connections seen to end (FIN both ways, or a reset), the last `endedFlowLimit` of them: a segment of
    /// one that comes after its end (a late retransmission, a capture out of order) is counted with the
    /// retransmissions, not taken for a new connection that began before the capture. A SYN on the same
    /// addresses starts a new one.
    private var endedFlows: Set<FlowKey> = []
    private var endedFlowRing: [FlowKey?] = Array(repeating: nil, count: endedFlowLimit)
    private static let endedFlowLimit = 4096
    private var endedFlowNext = 0
    private var nextConnection = 1
    private let allocator = ByteBufferAllocator()
    private let notices = Notices()
    private var summaryCounts = CaptureSummary()
    /// Stream 1's events from an h2c upgrade request, reused.
    private var upgradeEvents: [TapEvent] = []

    /// An importer writing through `session`; `start` (nanoseconds since 1970, normally the first packet's
    /// time and the header's `created`) is time zero of the recording.
    public init(session: RecordingSession, start: Int64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.start = start
        let notices = self.notices
        recorder = TapRecorder(session: session) { notices.items.append($0) }
    }

    /// Where the events go.
    public var session: RecordingSession { recorder.session }

    /// From now on packets are read and HTTP/2 decoded on the caller's thread and recorded on a second one
    /// (``TapRecorder/recordOnOwnThread(flushBytes:)``), which writes every `flushBytes`. The session and
    /// ``summary`` are the caller's again after ``finishRecording()``.
    public func recordOnOwnThread(flushBytes: Int) { recorder.recordOnOwnThread(flushBytes: flushBytes) }

    /// Waits for the second thread to record and write everything, and ends it.
    public func finishRecording() throws(RecordingWriteError) { try recorder.finishRecordingThread() }

    /// The write failure that stopped the second thread, once seen.
    public var recordingFailure: RecordingWriteError? { recorder.recordingFailure }

    /// What was found so far: packets, connections, calls complete and incomplete, and why.
    public var summary: CaptureSummary {
        var summary = summaryCounts
        let session = recorder.session
        summary.callsIncomplete = session.callsFailed + session.openCalls
        summary.callsComplete = session.callsEnded - session.callsFailed
        summary.connectionsCut += notices.items
        summary.callsInferred = recorder.callsInferred
        summary.callsLost = recorder.callsLost
        return summary
    }

    /// Takes one packet (valid only during the call).
    public func process(_ packet: CapturedPacket) {
        process(bytes: packet.bytes, wireLength: packet.wireLength, time: packet.time, linkType: packet.linkType)
    }

    /// Takes one packet: its captured `bytes` (valid only during the call), its length on the wire, its
    /// capture time in nanoseconds since 1970 and its link-layer type.
    public func process(bytes: UnsafeRawBufferPointer, wireLength: Int, time: Int64, linkType: LinkType) {
        summaryCounts.packets += 1
        let segment: TCPSegment
        switch PacketParser.parse(bytes, linkType: linkType, wireLength: wireLength) {
        case .success(let parsed): segment = parsed
        case .failure(let skip):
            summaryCounts.skippedPackets[skip.reason.description, default: 0] += 1
            return
        }
        let time = max(0, time - start)
        let key = FlowKey(segment.source, segment.destination)
        let flow: Flow
        if let existing = flows[key] {
            flow = existing
        } else {
            // A flow starts with its SYN, or (the capture started later) its first byte of payload: pure
            // ACKs, FINs and resets of connections already over start nothing.
            guard segment.has(TCPSegment.syn) || segment.payloadLength > 0 else { return }
            if endedFlows.contains(key) {
                guard segment.has(TCPSegment.syn) else {
                    summaryCounts.retransmittedSegments += 1
                    return
                }
                endedFlows.remove(key)
            }
            flow = newFlow(segment, bytes)
            flows[key] = flow
        }
        let fromClient = segment.source == flow.client
        let side: CallSide = fromClient ? .client : .server
        let direction = fromClient ? flow.fromClient : flow.fromServer

        if segment.has(TCPSegment.rst) {
            end(flow, key, reason: "the \(side.rawValue) reset the TCP connection before the call ended", time: time)
            return
        }
        if segment.has(TCPSegment.fin) {
            if fromClient { flow.clientSentFIN = true } else { flow.serverSentFIN = true }
            if flow.firstToClose == nil { flow.firstToClose = side }
        }
        if flow.ignored {
            if flow.clientSentFIN, flow.serverSentFIN {
                flows.removeValue(forKey: key)
                remember(ended: key)
            }
            return
        }
        if segment.has(TCPSegment.syn) {
            direction.started = true
            direction.next = segment.sequence &+ 1
        } else if segment.payloadLength > 0 || segment.missingLength > 0 {
            if !direction.started {
                direction.started = true
                direction.next = segment.sequence
            }
            payload(segment, bytes, direction, side, flow, time: time)
            if flow.ignored { return }
        }
        if segment.has(TCPSegment.fin) {
            if !direction.started {
                direction.started = true
                direction.next = segment.sequence
            }
            let fin = segment.sequence &+ UInt32(truncatingIfNeeded: segment.payloadLength + segment.missingLength)
            direction.finSequence = fin
            if direction.next == fin {
                direction.finished = true
                direction.next = fin &+ 1
            }
        }
        if segment.has(TCPSegment.ack) {
            // The peer acknowledged bytes this side never showed: the capture missed them, and they will not
            // be sent again.
            let other = fromClient ? flow.fromServer : flow.fromClient
            let missing = other.distance(to: segment.acknowledgment)
            if other.started, missing > 0, !(other.finished && missing == 1) {
                let otherSide: CallSide = fromClient ? .server : .client
                cut(
                    flow,
                    "the capture missed \(missing) byte(s) of the \(otherSide.rawValue)'s stream from byte "
                        + "\(other.delivered) on (the \(side.rawValue) acknowledged them)", time: time)
                return
            }
        }
        if flow.fromClient.finished, flow.fromServer.finished {
            let who = flow.firstToClose ?? side
            let reason =
                who == .client
                ? "the client closed the connection before the call ended"
                : "the server connection closed before the call ended"
            end(flow, key, reason: reason, time: time)
        }
    }

    /// Ends every connection still open: the capture is over.
    public func finish(time: Int64? = nil) {
        let end = time.map { max(0, $0 - start) } ?? 0
        for (key, flow) in flows.sorted(by: { $0.value.connection < $1.value.connection }) {
            flows.removeValue(forKey: key)
            if flow.ignored { continue }
            if let waiting = [(CallSide.client, flow.fromClient), (.server, flow.fromServer)].first(where: {
                $0.1.heldBytes > 0
            }) {
                cut(
                    flow,
                    "the capture ended with \(waiting.1.heldBytes) byte(s) of the \(waiting.0.rawValue)'s stream "
                        + "waiting behind a segment it missed (byte \(waiting.1.delivered))", time: end)
            } else {
                recorder.close(
                    connection: flow.connection, reason: "the capture ended before the call did", time: end)
            }
        }
    }

    // MARK: Flows

    private func newFlow(_ segment: TCPSegment, _ bytes: UnsafeRawBufferPointer) -> Flow {
        let sourceIsClient: Bool
        if segment.has(TCPSegment.syn) {
            sourceIsClient = !segment.has(TCPSegment.ack)
        } else if startsWithPreface(bytes, segment) {
            sourceIsClient = true
        } else if configuration.serverPorts.contains(segment.destination.port) {
            sourceIsClient = true
        } else if configuration.serverPorts.contains(segment.source.port) {
            sourceIsClient = false
        } else {
            // No SYN and no preface: servers listen on the lower port more often than not. A first guess only:
            // a connection joined midway has its sides settled by its first request or response headers.
            sourceIsClient = segment.source.port > segment.destination.port
            summaryCounts.serversGuessed += 1
        }
        let connection = nextConnection
        nextConnection += 1
        summaryCounts.connections += 1
        if !segment.has(TCPSegment.syn), !startsWithPreface(bytes, segment) {
            // The capture began after this connection did: read it from its first whole frame on.
            summaryCounts.connectionsJoinedMidway += 1
            recorder.joinMidway(connection: connection)
        }
        return sourceIsClient
            ? Flow(connection: connection, client: segment.source, server: segment.destination)
            : Flow(connection: connection, client: segment.destination, server: segment.source)
    }

    private func startsWithPreface(_ bytes: UnsafeRawBufferPointer, _ segment: TCPSegment) -> Bool {
        // Its first 14 bytes, "PRI * HTTP/2.0": enough to tell, and all a short first segment may hold.
        let length = 14
        guard segment.payloadLength >= length else { return false }
        return HTTP2Preface.mayStart(bytes[segment.payloadOffset..<segment.payloadOffset + length])
    }

    /// The connection is over (FIN both ways, or a reset): its open calls end with `reason`.
    private func end(_ flow: Flow, _ key: FlowKey, reason: String, time: Int64) {
        flows.removeValue(forKey: key)
        remember(ended: key)
        guard !flow.ignored else { return }
        flow.ignored = true
        let held = flow.fromClient.heldBytes + flow.fromServer.heldBytes
        if held > 0 {
            summaryCounts.connectionsCut.append(
                "\(flow.name): \(held) byte(s) waiting behind a segment the capture missed when it closed")
        }
        recorder.close(connection: flow.connection, reason: reason, time: time)
    }

    /// A gap: the connection's open calls end incomplete, and the rest of it is not decoded.
    private func cut(_ flow: Flow, _ reason: String, time: Int64) {
        summaryCounts.connectionsCut.append("\(flow.name): \(reason)")
        stopDecoding(flow)
        recorder.close(connection: flow.connection, reason: reason, time: time)
    }

    private func remember(ended key: FlowKey) {
        if let oldest = endedFlowRing[endedFlowNext] { endedFlows.remove(oldest) }
        endedFlowRing[endedFlowNext] = key
        endedFlows.insert(key)
        endedFlowNext = (endedFlowNext + 1) % endedFlowRing.count
    }

    /// The connection is not one the tap can read: named in the summary, its bytes skipped.
    private func skip(_ flow: Flow, _ reason: String, time: Int64) {
        summaryCounts.connectionsNotDecoded.append("\(flow.name): \(reason)")
        stopDecoding(flow)
        recorder.close(connection: flow.connection, reason: reason, time: time)
    }

    private func stopDecoding(_ flow: Flow) {
        flow.ignored = true
        for direction in [flow.fromClient, flow.fromServer] {
            direction.held = []
            direction.heldBytes = 0
        }
    }

    // MARK: Payload

    private func payload(
        _ segment: TCPSegment, _ bytes: UnsafeRawBufferPointer, _ direction: TCPDirection, _ side: CallSide,
        _ flow: Flow, time: Int64
    ) {
        let distance = direction.distance(to: segment.sequence)
        let length = segment.payloadLength
        if distance > 0 {
            // Ahead of a missing segment: hold it (a copy of the captured part; a cut end shows up as a gap
            // when the missing bytes are acknowledged or the capture ends).
            let copy = buffer(bytes, from: segment.payloadOffset, count: length)
            if direction.hold(segment.sequence, copy) {
                summaryCounts.reorderedSegments += 1
            } else {
                summaryCounts.retransmittedSegments += 1
            }
            if direction.heldBytes > configuration.maxHeldBytesPerConnection {
                skip(
                    flow,
                    "more than \(configuration.maxHeldBytesPerConnection) bytes of the \(side.rawValue)'s stream "
                        + "waited behind a missing segment (byte \(direction.delivered)); the limit is "
                        + "--max-held-bytes", time: time)
            }
            return
        }
        if distance + length <= 0, segment.missingLength == 0 {
            summaryCounts.retransmittedSegments += 1
            return
        }
        if distance < 0 { summaryCounts.retransmittedSegments += 1 }
        let fresh = length + distance
        if fresh > 0 {
            let chunk = buffer(bytes, from: segment.payloadOffset - distance, count: fresh)
            if direction.delivered == 0, side == .client, !checkClientStart(chunk, flow, time: time) { return }
            direction.advance(by: fresh)
            deliver(flow, side, chunk, time: time)
            if flow.ignored { return }
        }
        if segment.missingLength > 0 {
            cut(
                flow,
                "a packet was cut to \(segment.payloadOffset + length) byte(s) by the capture's snapshot length: "
                    + "\(segment.missingLength) byte(s) of the \(side.rawValue)'s stream missing from byte "
                    + "\(direction.delivered) on", time: time)
            return
        }
        while let more = direction.takeContinuation() {
            direction.advance(by: more.readableBytes)
            deliver(flow, side, more, time: time)
            if flow.ignored { return }
        }
    }

    /// Hands bytes in order to the tap: decrypted first on a TLS connection, through the h2c upgrade while
    /// that side is still HTTP/1.1.
    private func deliver(_ flow: Flow, _ side: CallSide, _ bytes: ByteBuffer, time: Int64) {
        if let tls = flow.tls {
            let plaintext: [UInt8]
            do {
                plaintext = try tls.feed(bytes, from: side)
            } catch {
                cut(flow, "\(error)", time: time)
                return
            }
            guard !plaintext.isEmpty else { return }
            var buffer = allocator.buffer(capacity: plaintext.count)
            buffer.writeBytes(plaintext)
            recorder.feed(connection: flow.connection, from: side, bytes: buffer, time: time)
            return
        }
        guard flow.upgrade != nil, side == .client ? flow.upgradingClient : flow.upgradingServer else {
            recorder.feed(connection: flow.connection, from: side, bytes: bytes, time: time)
            return
        }
        let outcome: H2CUpgrade.Outcome
        if side == .client {
            outcome = flow.upgrade!.client(bytes, time: time, into: &upgradeEvents)
            for event in upgradeEvents { recorder.record(event) }
            upgradeEvents.removeAll(keepingCapacity: true)
        } else {
            outcome = flow.upgrade!.server(bytes)
        }
        switch outcome {
        case .waiting:
            return
        case .http2(let rest):
            if side == .client { flow.upgradingClient = false } else { flow.upgradingServer = false }
            if !flow.upgradingClient, !flow.upgradingServer { flow.upgrade = nil }
            if rest.readableBytes > 0 {
                recorder.feed(connection: flow.connection, from: side, bytes: rest, time: time)
            }
        case .notUpgraded(let reason):
            skip(flow, reason, time: time)
        }
    }

    /// Checks the client's first bytes: HTTP/2 in the clear goes on, HTTP/1.1 goes through the h2c upgrade,
    /// TLS is decrypted with the key log or named and skipped.
    private func checkClientStart(_ chunk: ByteBuffer, _ flow: Flow, time: Int64) -> Bool {
        guard let first = chunk.getInteger(at: chunk.readerIndex, as: UInt8.self) else { return true }
        let second = chunk.getInteger(at: chunk.readerIndex + 1, as: UInt8.self)
        if first == 0x16, second == 0x03 {
            guard let keyLog = configuration.tlsKeyLog else {
                skip(flow, "TLS (decrypting it needs the session keys: --tls-keylog FILE)", time: time)
                return false
            }
            flow.tls = TLSConnectionDecryptor(keyLog: keyLog)
            summaryCounts.tlsConnectionsDecrypted += 1
            return true
        }
        if H2CUpgrade.startsRequest(chunk) {
            // HTTP/1.1: read on while it asks for h2c (the upgrade names the connection otherwise).
            flow.upgrade = H2CUpgrade(connection: flow.connection)
            flow.upgradingClient = true
            flow.upgradingServer = true
        }
        return true
    }

    private func buffer(_ bytes: UnsafeRawBufferPointer, from offset: Int, count: Int) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
        return buffer
    }
}
