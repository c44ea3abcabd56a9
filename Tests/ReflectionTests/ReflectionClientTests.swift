import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoSchema
import SwiftProtobuf
import TestSupport
import Testing

@testable import Reflection

@Suite("Reflection client")
struct ReflectionClientTests {
    @Test func fetchesEveryServiceFromGrpcioFallingBackToV1Alpha() async throws {
        let peer = try GRPCIODemo.start()
        let connection = try await connect(peer.port)
        defer { _ = connection.close() }
        let result = try await ReflectionClient.fetch(on: connection)
        // grpcio-reflection 1.85 serves only v1alpha: the v1 attempt gets UNIMPLEMENTED first.
        #expect(result.version == .v1alpha)
        #expect(
            Set(result.services) == [
                "demo.v1.Demo", "hello.HelloService", "grpc.health.v1.Health",
                "grpc.reflection.v1alpha.ServerReflection",
            ])
        #expect(result.missingFiles.isEmpty)
        let pool = try DescriptorPool(files: result.files)
        #expect(pool.method(path: "/demo.v1.Demo/Chat")?.isClientStreaming == true)
        #expect(pool.method(path: "hello.HelloService/SayHello") != nil)
        // Dependencies come along, each once: demo.proto imports error_details, which imports duration.
        let names = result.files.map(\.name)
        #expect(names.contains("google/rpc/error_details.proto"))
        #expect(names.contains("google/protobuf/duration.proto"))
        #expect(Set(names).count == names.count)
        #expect(pool.message(named: "google.rpc.BadRequest.FieldViolation") != nil)
    }

    @Test func reflectionMetadataReachesTheServer() async throws {
        let peer = try GRPCIODemo.start(["--reflection-token", "s3cret"])
        let connection = try await connect(peer.port)
        defer { _ = connection.close() }
        await #expect {
            try await ReflectionClient.fetchPool(on: connection)
        } throws: { error in
            let message = (error as? ReflectionError)?.message ?? ""
            return message
                == "can't list services: rpc error: code = Unauthenticated desc = reflection needs a bearer token"
        }
        let pool = try await ReflectionClient.fetchPool(on: connection, metadata: ["authorization": "Bearer s3cret"])
        #expect(pool.service(named: "demo.v1.Demo") != nil)
    }

    @Test func serverWithoutReflectionFailsWithK6sMessage() async throws {
        let peer = try GRPCIODemo.start(["--no-reflection"])
        let connection = try await connect(peer.port)
        defer { _ = connection.close() }
        await #expect {
            try await ReflectionClient.fetchPool(on: connection)
        } throws: { error in
            // Both versions were tried; the error is the last (v1alpha) attempt's, as in k6.
            let error = error as? ReflectionError
            return error?.status?.code == .unimplemented
                && error?.message.hasPrefix("can't list services: rpc error: code = Unimplemented desc = ") == true
        }
    }

    @Test(arguments: ReflectionVersion.allCases)
    func fetchesFromReprisesServerSpeakingOneVersion(_ version: ReflectionVersion) async throws {
        let pool = try DemoProtos.pool()
        var router = ServerRouter()
        ReflectionService(pool: pool).register(on: &router, versions: [version])
        let server = try await GRPCServer.start(router: router, group: group)
        let connection = try await connect(server.port)
        let result = try await ReflectionClient.fetch(on: connection)
        #expect(result.version == version)
        #expect(result.services.starts(with: ["demo.v1.Demo", "hello.HelloService"]))
        let fetched = try DescriptorPool(files: result.files)
        // The same descriptors the pool was built from, not a rewritten copy.
        for file in pool.files {
            #expect(fetched.file(named: file.name)?.proto == file.proto, "\(file.name)")
        }
        // The reflection service's own file resolves too.
        #expect(fetched.service(named: version.serviceName) != nil)
        await connection.close()
        await server.shutdown()
    }

    /// A schema fetched by reflection from a real server carries the reflection and health files itself (the
    /// mock serves such recordings): their services are listed once, not once from the pool and once more as
    /// the service's own.
    @Test func aPoolCarryingTheReflectionAndHealthFilesListsEachServiceOnce() async throws {
        let pool = try DescriptorPool(
            files: try DemoProtos.pool().files.map(\.proto) + BuiltinProtos.pool.files.map(\.proto))
        let services = pool.files.flatMap { $0.services.map(\.fullName) }
        #expect(services.contains("grpc.reflection.v1.ServerReflection"))
        let service = ReflectionService(
            pool: pool, services: services + ReflectionVersion.allCases.map(\.serviceName) + ["grpc.health.v1.Health"])
        #expect(service.services.count == Set(service.services).count, "\(service.services)")
        #expect(service.services.starts(with: ["demo.v1.Demo", "hello.HelloService"]))
        #expect(ReflectionService(pool: pool).services == ReflectionService(pool: pool).services.uniqued)

        var router = ServerRouter()
        service.register(on: &router)
        let server = try await GRPCServer.start(router: router, group: group)
        let connection = try await connect(server.port)
        let result = try await ReflectionClient.fetch(on: connection)
        #expect(result.services == service.services)
        await connection.close()
        await server.shutdown()
    }

    @Test func missingDependencyBecomesAnEmptyPlaceholder() async throws {
        // a.proto imports options.proto only for an option; the server cannot provide options.proto.
        let directory = try TemporaryDirectory()
        _ = try directory.write(
            "options.proto",
            """
            syntax = "proto3";
            package opts;
            import "google/protobuf/descriptor.proto";
            extend google.protobuf.ServiceOptions { string owner = 50001; }
            """)
        _ = try directory.write(
            "a.proto",
            """
            syntax = "proto3";
            package a;
            import "options.proto";
            message PingMessage { string text = 1; }
            service Pinger { option (opts.owner) = "team"; rpc Ping(PingMessage) returns (PingMessage); }
            """)
        let pool = try DescriptorPool(importPaths: [directory.url.path], files: ["a.proto"])
        let service = ReflectionService(pool: pool, services: ["a.Pinger"], hiding: ["options.proto"])
        var router = ServerRouter()
        service.register(on: &router)
        let server = try await GRPCServer.start(router: router, group: group)
        let connection = try await connect(server.port)
        let result = try await ReflectionClient.fetch(on: connection)
        #expect(result.missingFiles == ["options.proto"])
        let fetched = try DescriptorPool(files: result.files)
        #expect(fetched.method(path: "/a.Pinger/Ping") != nil)
        await connection.close()
        await server.shutdown()
    }

    @Test func unknownSymbolIsAnErrorNamingTheService() async throws {
        let pool = try DemoProtos.pool()
        var router = ServerRouter()
        ReflectionService(pool: pool, services: ["demo.v1.Demo", "no.such.Service"]).register(on: &router)
        let server = try await GRPCServer.start(router: router, group: group)
        let connection = try await connect(server.port)
        await #expect {
            try await ReflectionClient.fetch(on: connection)
        } throws: { error in
            (error as? ReflectionError)?.message
                == "can't get method on service \"no.such.Service\": rpc error: code = NotFound desc = unknown symbol: no.such.Service"
        }
        await connection.close()
        await server.shutdown()
    }
}

extension Array where Element: Hashable {
    fileprivate var uniqued: [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
