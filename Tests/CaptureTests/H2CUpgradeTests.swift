import GRPCProtocol
import NIOCore
import Recording
import Tap
import Testing

@testable import Capture

/// The h2c upgrade's HTTP/1.1 part, fed by hand in pieces as TCP may deliver it.
struct H2CUpgradeTests {
    static let request =
        "POST /demo.v1.Demo/SayHello HTTP/1.1\r\nHost: 127.0.0.1:7000\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Type: application/grpc\r\nTE: trailers\r\n"
        + "x-team: blue\r\nContent-Length: 10\r\n\r\n"

    @Test func aGRPCUpgradeRequestSplitAnywhereIsStreamOneAndTheRestIsHTTP2() {
        let body: [UInt8] = [0, 0, 0, 0, 5, 0x0A, 3] + Array("h2c".utf8)
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        let bytes = Array(Self.request.utf8) + body + preface
        // Split inside the head, and inside the body: the HTTP/1.1 part is whole only with the second piece.
        for split in [1, 17, Self.request.utf8.count - 2, Self.request.utf8.count + 4] {
            var upgrade = H2CUpgrade(connection: 1)
            var events: [TapEvent] = []
            guard case .waiting = upgrade.client(ByteBuffer(bytes: bytes[..<split]), time: 1, into: &events) else {
                Issue.record("split at \(split): the first piece is not the whole HTTP/1.1 part")
                continue
            }
            guard case .http2(let rest) = upgrade.client(ByteBuffer(bytes: bytes[split...]), time: 2, into: &events)
            else {
                Issue.record("split at \(split): no HTTP/2 after the request")
                continue
            }
            #expect(Array(rest.readableBytesView) == preface.suffix(rest.readableBytes), "split at \(split)")
            var headers: [(String, String)] = []
            var data: [UInt8] = []
            var halfClosed = 0
            for event in events {
                switch event {
                case .requestHeaders(1, 1, let block, _): headers = block.map { ($0.name, $0.value) }
                case .data(1, 1, .request, let chunk, _): data += chunk.readableBytesView
                case .halfClose(1, 1, _): halfClosed += 1
                default: Issue.record("unexpected \(event)")
                }
            }
            #expect(data == body, "split at \(split)")
            #expect(halfClosed == 1)
            #expect(headers.map(\.0) == [":method", ":scheme", ":path", ":authority", "content-type", "te", "x-team"])
            #expect(headers.first { $0.0 == ":path" }?.1 == "/demo.v1.Demo/SayHello")
            #expect(headers.first { $0.0 == ":authority" }?.1 == "127.0.0.1:7000")
        }
    }

    @Test func theServersSwitchingProtocolsIsFollowedByHTTP2WithoutAPreface() {
        var upgrade = H2CUpgrade(connection: 1)
        let head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
        let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
        guard case .waiting = upgrade.server(ByteBuffer(string: String(head.prefix(20)))),
            case .http2(let rest) = upgrade.server(ByteBuffer(bytes: Array(head.utf8.dropFirst(20)) + settings))
        else {
            Issue.record("the 101 was not read")
            return
        }
        #expect(Array(rest.readableBytesView) == settings)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", true, "HTTP/1.1 (no upgrade to h2c)"),
        (
            "POST / HTTP/1.1\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n\r\n", true,
            "HTTP/1.1 (an upgrade to h2c whose request body is chunked; not decoded)"
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false,
            "HTTP/1.1 (the server answered the upgrade to h2c with \"HTTP/1.1 200 OK\")"
        ),
    ])
    func whatStaysHTTP1IsNamed(_ head: String, _ fromClient: Bool, _ reason: String) {
        var upgrade = H2CUpgrade(connection: 1)
        var events: [TapEvent] = []
        let outcome =
            fromClient
            ? upgrade.client(ByteBuffer(string: head), time: 0, into: &events)
            : upgrade.server(ByteBuffer(string: head))
        guard case .notUpgraded(let text) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(text == reason)
        #expect(events.isEmpty)
    }
}
