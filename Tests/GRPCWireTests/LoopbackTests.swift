import GRPCWire
import NIOCore
import NIOPosix
import Testing

/// Reprise's client against Reprise's server, both in this process on 127.0.0.1.
@Suite struct LoopbackTests {
    static func echoRouter() -> ServerRouter {
        var router = ServerRouter()
        router.unary("/test.Echo/Unary") { request, call in
            call.respond(request, headers: call.requestMetadata, trailers: ["x-done": "yes"])
        }
        return router
    }

    @Test func unaryCallEchoesThroughOwnServer() async throws {
        let server = try await GRPCServer.start(router: Self.echoRouter(), group: testGroup)
        let connection = try await ClientConnection.connect(host: "127.0.0.1", port: server.port, group: testGroup)
        let response = await connection.unary(path: "/test.Echo/Unary", request: .text("hello"))
        #expect(response.result.status == .ok)
        #expect(response.message.map { String(buffer: $0) } == "hello")
        #expect(response.result.trailers.first("x-done") == .string("yes"))
        await connection.close()
        await server.close()
    }
}
