import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import Proxy
import Recording
import TestSupport
import Testing

/// Flow control end to end: the proxy relays the endpoints' own WINDOW_UPDATEs and opens no window of its
/// own, so a client that stops reading stops the server after one client window, and nothing piles up in
/// the proxy.
@Suite(.timeLimit(.minutes(2))) struct FlowControlTests {
    static let messageSize = 16 * 1024
    static let messageCount = 400
    static let clientWindow = 64 * 1024

    @Test func aClientThatStopsReadingStopsTheServerAndNothingPilesUpInTheProxy() async throws {
        let server = try RecordPeer.startServer()
        defer { server.stop() }
        let harness = try await ProxyHarness.start(upstreamPort: server.port)
        var client = ClientConnection.Configuration.defaults
        client.http2.streamWindowSize = Self.clientWindow
        let connection = try await harness.connect(configuration: client)
        let events = CallEvents(releaseWindows: false)
        var options = CallOptions.defaults
        options.manualFlowControl = true
        let call = connection.makeCall(path: RecordPeer.path("Flood"), options: options, delegate: events)
        let blob = RecordingBase64.encode([UInt8](repeating: 0x5A, count: Self.messageSize))
        call.send(
            ByteBuffer(bytes: RecordPeer.note(#"{"count":"\#(Self.messageCount)","blob":"\#(blob)"}"#)),
            endStream: true)

        // The client reads nothing: wait until the proxy and the server stop making progress.
        _ = try #require(
            try await settled(quiet: .milliseconds(300), timeout: .seconds(20)) {
                harness.recorder.statistics.messages
            },
            "the count kept changing")
        let produced = Self.produced(by: server)
        let recordedResponses = harness.recorder.statistics.messages - 1
        // What the proxy read from the server is what the client's window let through: 64 KiB / 16 KiB = 4
        // messages, plus one in pieces.
        let proxyBound = Self.clientWindow / Self.messageSize + 1
        #expect(recordedResponses <= proxyBound, "the proxy read \(recordedResponses) messages")
        #expect(recordedResponses >= Self.clientWindow / Self.messageSize - 1)
        // The server is held back too: far from done (grpcio keeps a few messages of its own).
        #expect(produced < Self.messageCount / 4, "the server produced \(produced) of \(Self.messageCount)")

        // Reading again, the client gets every message and so does the recording: slowed, not lost.
        var iterator = events.events.makeAsyncIterator()
        var received = 0
        var result: CallResult?
        while let event = await iterator.next() {
            switch event {
            case .message(let message):
                received += 1
                call.releaseReceiveWindow(bytes: message.readableBytes + 5)
            case .headers: continue
            case .finished(let finished): result = finished
            }
        }
        #expect(result?.status.code == .ok)
        #expect(received == Self.messageCount)
        await connection.close()
        let recording = try await harness.finish()
        #expect(recording.calls.first?.responses.count == Self.messageCount)
        #expect(recording.calls.first?.responses.last?.raw.count == Self.messageSize + 7)
    }

    /// How many messages the grpcio server says it produced.
    static func produced(by server: PeerProcess) -> Int {
        server.stderrText.split(separator: "\n").compactMap { line in
            line.hasPrefix("flood ") ? Int(line.dropFirst(6)) : nil
        }.max() ?? 0
    }
}
