import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore
import ProtoCodec
import ProtoSchema
import Reflection
import TestSupport
import Testing

/// The engine's client against grpcio's and Reprise's implementations of the demo service, on loopback.
@Suite("Engine interop")
struct InteropTests {
    @Test(arguments: DemoPeer.allCases)
    func unaryCallReturnsK6sResponseShape(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let response = try await client.invoke(
            "demo.v1.Demo/SayHello", request: .json(#"{"name":"Ada"}"#),
            params: .with { $0.metadata = ["x-token": "abc", "x-blob-bin": .binary([0, 1, 255])] })
        #expect(response.status == GRPC.StatusOK)
        #expect(response.message == ["message": "Hello, Ada!"])
        #expect(response.error == nil)
        #expect(response.headers.first("x-token") == "abc")
        #expect(response.headers.first("x-blob-bin") == .binary([0, 1, 255]))
        #expect(response.headers.first("content-type") == "application/grpc")
        #expect(response.trailers.first("x-token") == "abc")
        #expect(response.rawMessage?.readableBytes == 13)
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func responsesUseK6sJSONMapping(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let request: JSONValue = [
            "text": "t", "number": "-7", "payload": "AQI=", "tags": ["a"], "color": "COLOR_BLUE",
            "labels": ["k": "v"], "count": 4,
        ]
        let response = try await client.invoke("/demo.v1.Demo/Echo", request: .value(request))
        let echoed = try #require(response.message?["request"])
        // int64 as a string, enums by name, unset fields emitted (messages as null), oneof member kept.
        #expect(echoed["number"] == "-7")
        #expect(echoed["color"] == "COLOR_BLUE")
        #expect(echoed["nested"] == .null)
        #expect(echoed["flag"] == false)
        #expect(echoed["count"] == 4)
        #expect(echoed["word"] == nil)
        #expect(echoed["payload"] == "AQI=")
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func errorsCarryRichDetailsAsJSON(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let response = try await client.invoke(
            "demo.v1.Demo/Fail", request: .json(#"{"code":9,"message":"not now"}"#))
        #expect(response.status == GRPC.StatusFailedPrecondition)
        let error = try #require(response.error)
        #expect(error.code == 9)
        #expect(error.message == "not now")
        #expect(error.details.count == 2)
        #expect(error.details.first?["@type"] == "type.googleapis.com/google.rpc.ErrorInfo")
        #expect(error.details.first?["reason"] == "DEMO_FAILURE")
        #expect(error.details.first?["metadata"] == ["code": "9"])
        #expect(error.details.last?["fieldViolations"]?[0]?["field"] == "code")
        // k6 shows the empty response message on failures, and grpc-go keeps the details in the trailers.
        #expect(response.message == .object([:]))
        #expect(response.trailers.first("grpc-status-details-bin") != nil)
        #expect(response.k6JSON["error"]?["code"] == 9)
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func deadlineEndsTheCallWithDeadlineExceeded(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let late = try await client.invoke(
            "demo.v1.Demo/Sleep", request: .json(#"{"duration":"5s"}"#),
            params: .with { $0.timeout = .milliseconds(150) })
        #expect(late.status == GRPC.StatusDeadlineExceeded)
        let inTime = try await client.invoke(
            "demo.v1.Demo/Sleep", request: .json(#"{"duration":"0.010s"}"#),
            params: .with { $0.timeout = .seconds(60) })
        #expect(inTime.status == GRPC.StatusOK)
        #expect(inTime.message == ["slept": "0.010s"])
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func tenMegabyteMessagesNeedMaxReceiveSize(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let size = 10 * 1024 * 1024
        let client = try await demoClient(peer)
        // grpc-go's 4 MiB default stops it, with grpc-go's status.
        let refused = try await client.invoke("demo.v1.Demo/Blob", request: .json(#"{"size":\#(size)}"#))
        #expect(refused.status == GRPC.StatusResourceExhausted)
        await client.close()

        let roomy = Client(schema: client.schema)
        try await roomy.connect(
            peer.address,
            params: .with {
                $0.plaintext = true
                $0.maxReceiveSize = 16 << 20
            })
        let blob = try await roomy.invoke(
            "demo.v1.Demo/Blob", request: .json(#"{"size":\#(size)}"#), params: .with { $0.responseFormat = .protobuf })
        #expect(blob.status == GRPC.StatusOK)
        #expect((blob.rawMessage?.readableBytes ?? 0) > size)
        // And a 10 MB request: Echo's payload comes back.
        let payload = [UInt8](repeating: 7, count: size)
        var message = try #require(roomy.schema.registry.type(named: "demo.v1.EchoRequest")).makeMessage()
        message["payload"] = .bytes(payload)
        let echo = try await roomy.invoke(
            "demo.v1.Demo/Echo", request: .message(message), params: .with { $0.responseFormat = .protobuf })
        #expect(echo.status == GRPC.StatusOK)
        #expect((echo.rawMessage?.readableBytes ?? 0) > size)
        await roomy.close()
        await peer.stop()
    }

    @Test func maxSendSizeStopsLargeRequestsBeforeTheyLeave() async throws {
        let peer = try await DemoPeer.reprise.start()
        let client = Client()
        try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
        try await client.connect(
            peer.address,
            params: .with {
                $0.plaintext = true
                $0.maxSendSize = 100
            })
        let small = try await client.invoke("demo.v1.Demo/Echo", request: .json(#"{"text":"short"}"#))
        #expect(small.status == .ok)
        let large = try await client.invoke(
            "demo.v1.Demo/Echo", request: .json(#"{"text":"\#(String(repeating: "x", count: 200))"}"#))
        #expect(large.status == GRPC.StatusResourceExhausted)
        #expect(large.error?.message.contains("larger than max") == true, "\(String(describing: large.error))")
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func gzipBothWays(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let text = String(repeating: "compressible ", count: 2000)
        let response = try await client.invoke(
            "demo.v1.Demo/Echo", request: .value(["text": .string(text)]),
            params: .with {
                $0.compression = .gzip
                $0.metadata = ["x-response-compression": "gzip"]
            })
        #expect(response.status == GRPC.StatusOK)
        #expect(response.message?["request"]?["text"] == .string(text))
        // The request went compressed: far fewer bytes than the text on the wire.
        let sent = try #require(client.connection?.byteCounter.sent)
        #expect(sent < text.utf8.count / 2)
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func asyncInvokeRunsSeveralCallsOnOneConnection(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = try await demoClient(peer)
        let pending = (0..<8).map { index in
            client.asyncInvoke(
                "demo.v1.Demo/Sleep", request: .json(#"{"duration":"5s"}"#),
                params: .with { $0.tags = ["index": String(index)] })
        }
        // All eight are open on the one connection at the same time.
        let connection = try #require(client.connection)
        #expect(await eventually { connection.openStreams == 8 })
        var statuses: [StatusCode] = []
        for call in pending { statuses.append(try await call.response.status) }
        #expect(statuses == Array(repeating: .ok, count: 8))
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func healthCheckNeedsNoProtoFiles(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let client = Client()
        try await client.connect(peer.address, params: .with { $0.plaintext = true })
        #expect(try await client.healthCheck().status == GRPC.HealthCheckServing)
        #expect(try await client.healthCheck("demo.v1.Demo").status == .serving)
        await #expect {
            try await client.healthCheck("no.such.Service")
        } throws: { error in
            (error as? EngineError)?.message.hasPrefix("rpc error: code = NotFound desc = ") == true
        }
        await client.close()
        await peer.stop()
    }

    @Test(arguments: DemoPeer.allCases)
    func reflectionLoadsTheSchemaAtConnect(_ kind: DemoPeer) async throws {
        // grpcio-reflection 1.85 serves only v1alpha (so the client falls back); Reprise's demo server v1.
        let peer = try await kind.start()
        let client = Client()
        try await client.connect(
            peer.address,
            params: .with {
                $0.plaintext = true
                $0.reflect = true
            })
        let response = try await client.invoke("hello.HelloService/SayHello", request: .json(#"{"greeting":"Bert"}"#))
        #expect(response.message == ["reply": "hello Bert"])
        #expect(client.schema.pool.file(named: "google/rpc/error_details.proto") != nil)
        await client.close()
        await peer.stop()
    }

    @Test func reflectMetadataGoesOnTheReflectionCallOnly() async throws {
        let peer = try await DemoPeer.grpcio.start(arguments: ["--reflection-token", "s3cret"])
        let refused = Client()
        await #expect(throws: EngineError.self) {
            try await refused.connect(
                peer.address,
                params: .with {
                    $0.plaintext = true
                    $0.reflect = true
                })
        }
        #expect(!refused.isConnected)
        let client = Client()
        try await client.connect(
            peer.address,
            params: .with {
                $0.plaintext = true
                $0.reflect = true
                $0.reflectMetadata = ["authorization": "Bearer s3cret"]
            })
        let response = try await client.invoke("hello.HelloService/SayHello", request: .json(#"{"greeting":"x"}"#))
        #expect(response.status == .ok)
        await client.close()
        await peer.stop()
    }

    @Test(arguments: [DemoPeer.Security.tls, .mutualTLS], DemoPeer.allCases)
    func tlsAndMutualTLS(_ security: DemoPeer.Security, _ kind: DemoPeer) async throws {
        let pki = try TestCertificates()
        let peer = try await kind.start(security, pki: pki)
        let client = Client()
        try client.load(importPaths: [DemoFiles.importPath], files: DemoFiles.names)
        var params = ConnectParams()
        params.tls = TLSParams(
            cert: security == .mutualTLS ? pki.clientCertificatePEM : nil,
            key: security == .mutualTLS ? pki.clientKeyPEM : nil, cacerts: [pki.caPEM])
        params.reflect = true
        try await client.connect("localhost:\(peer.port)", params: params)
        let response = try await client.invoke("demo.v1.Demo/SayHello", request: .json(#"{"name":"tls"}"#))
        #expect(response.message == ["message": "Hello, tls!"])
        let stream = try GRPCStream(client, "demo.v1.Demo/Countdown")
        let numbers = Collected<Int>()
        stream.onData { message in numbers.append(Int(message["number"]?.int64Value ?? 0)) }
        stream.write(.json(#"{"from":2}"#))
        await stream.ended()
        #expect(numbers.values == [2, 1])
        await client.close()

        // Without the CA the handshake fails with k6's unknown-authority code.
        let untrusting = Client()
        await #expect {
            try await untrusting.connect("localhost:\(peer.port)", params: .with { $0.timeout = .seconds(30) })
        } throws: { error in
            (error as? EngineError)?.k6ErrorCode == 1310
        }
        await peer.stop()
    }

    @Test func authorityOverrideNamesTheCertificatesHost() async throws {
        let pki = try TestCertificates()
        let peer = try await DemoPeer.reprise.start(.tls, pki: pki)
        let client = Client()
        // Dialled by IP, verified as "localhost" (a name the certificate lists), as k6's `authority` does.
        try await client.connect(
            "127.0.0.1:\(peer.port)",
            params: .with {
                $0.tls = TLSParams(cacerts: [pki.caPEM])
                $0.authority = "localhost"
                $0.reflect = true
            })
        #expect(client.isConnected)
        await client.close()
        let wrong = Client()
        await #expect {
            try await wrong.connect(
                "127.0.0.1:\(peer.port)",
                params: .with {
                    $0.tls = TLSParams(cacerts: [pki.caPEM])
                    $0.authority = "api.example.com"
                })
        } throws: { error in
            (error as? EngineError)?.k6ErrorCode == 1311
        }
        await peer.stop()
    }
}

/// Values appended from event handlers on the event loop, read by the test afterwards.
final class Collected<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    func append(_ item: Element) { lock.withLock { items.append(item) } }
    var values: [Element] { lock.withLock { items } }
}
