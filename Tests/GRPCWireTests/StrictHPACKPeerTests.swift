import Foundation
import GRPCProtocol
import NIOCore
import TestSupport
import Testing

@testable import GRPCWire

/// The client's header blocks read by nghttp2's HPACK decoder, a strict one (nghttpx's front end, in front
/// of Reprise's server), at the table sizes a server may ask for: none, a small one, HTTP/2's default.
/// Calls alternate between two methods and carry metadata (text, binary, never-indexed) and deadlines,
/// so the client's table grows, fills or stays empty between blocks; every call must arrive whole.
@Suite(.timeLimit(.minutes(2))) struct StrictHPACKPeerTests {
    @Test(arguments: [0, 100, 4096])
    func callsThroughNghttpxArriveWholeWhateverTableItAllows(tableSize: Int) async throws {
        let server = try await GRPCServer.start(router: LoopbackTests.echoRouter(), group: testGroup)
        let directory = try TemporaryDirectory(prefix: "reprise-strict-hpack")
        let proxy = try NGHTTPX(
            backendPort: server.port, log: directory.path("nghttpx.log").path,
            arguments: ["--frontend-http2-decoder-dynamic-table-size=\(tableSize)"])
        defer { proxy.stop() }
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: proxy.port, group: testGroup)
        for call in 0..<120 {
            var options = CallOptions.defaults
            options.timeout = .seconds(Int64(5 + call % 3))
            options.metadata = [
                "x-call": .string("\(call)"), "x-trace-bin": .binary([0, 1, UInt8(call % 256)]),
                "authorization": .string("Bearer \(call % 4)"),
            ]
            if call % 3 == 2 {
                let response = await connection.unary(
                    path: "/test.Echo/Async", request: .text("async \(call)"), options: options)
                #expect(response.result.status == .ok, "call \(call): \(response.result.status)")
                #expect(response.message.map { String(buffer: $0) } == "async \(call)")
            } else {
                let response = await connection.unary(
                    path: "/test.Echo/Unary", request: .text("unary \(call)"), options: options)
                #expect(response.result.status == .ok, "call \(call): \(response.result.status)")
                #expect(response.message.map { String(buffer: $0) } == "unary \(call)")
                let headers = response.result.headers
                #expect(headers.first("x-call") == .string("\(call)"))
                #expect(headers.first("x-trace-bin") == .binary([0, 1, UInt8(call % 256)]))
                #expect(headers.first("authorization") == .string("Bearer \(call % 4)"))
            }
        }
        #expect(!proxy.text.contains("COMPRESSION_ERROR"), "\(proxy.text)")
        await connection.close()
        await server.close()
    }
}
