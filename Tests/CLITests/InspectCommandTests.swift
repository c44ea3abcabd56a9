import Foundation
import TestSupport
import Testing

/// `reprise list` and `reprise describe` against servers with and without reflection, recordings and
/// `.proto` files.
@Suite("reprise list and describe")
struct InspectCommandTests {
    static let protoFlags = ["-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"]

    @Test func listShowsTheServicesOfTheDemoServerAndGrpcioByReflection() async throws {
        try await withDemoServer { address in
            let result = try await reprise(["list", "--plaintext", address])
            #expect(result.status == 0, "\(result.stderrText)")
            let lines = result.stdoutText.split(separator: "\n").map(String.init)
            #expect(lines.contains("demo.v1.Demo") && lines.contains("hello.HelloService"))
            #expect(lines.contains("grpc.health.v1.Health"))
            #expect(lines == lines.sorted())
        }
        let grpcio = try grpcioDemo()
        let result = try await reprise(["list", "--plaintext", "127.0.0.1:\(grpcio.port)"])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(
            result.stdoutText
                == "demo.v1.Demo\ngrpc.health.v1.Health\ngrpc.reflection.v1alpha.ServerReflection\nhello.HelloService\n"
        )
    }

    @Test func listWithAServiceShowsItsMethods() async throws {
        let grpcio = try grpcioDemo()
        let result = try await reprise(["list", "--plaintext", "127.0.0.1:\(grpcio.port)", "hello.HelloService"])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(
            result.stdoutText
                == "hello.HelloService.SayHello\nhello.HelloService.LotsOfReplies\n"
                + "hello.HelloService.LotsOfGreetings\nhello.HelloService.BidiHello\n")
    }

    @Test func describeReadsTheSameFromReflectionFilesAndARecording() async throws {
        let recording = Repository.root.appendingPathComponent("recordings/demo.jsonl").path
        try await withDemoServer { address in
            for symbol in ["demo.v1.Demo", "demo.v1.Demo.SayHello", "demo.v1.Demo/Chat", "demo.v1.EchoRequest"] {
                let reflected = try await reprise(["describe", "--plaintext", address, symbol])
                let files = try await reprise(["describe"] + Self.protoFlags + [symbol])
                let recorded = try await reprise(["describe", recording, symbol])
                #expect(reflected.status == 0, "\(reflected.stderrText)")
                #expect(files.status == 0, "\(files.stderrText)")
                #expect(recorded.status == 0, "\(recorded.stderrText)")
                #expect(reflected.stdoutText == files.stdoutText)
                #expect(recorded.stdoutText == files.stdoutText)
            }
            let method = try await reprise(["describe", "--plaintext", address, "demo.v1.Demo.SayHello"])
            #expect(
                method.stdoutText
                    == "demo.v1.Demo.SayHello is a method:\nrpc SayHello ( .demo.v1.HelloRequest ) returns ( .demo.v1.HelloReply );\n"
            )
            let chat = try await reprise(["describe", "--plaintext", address, "demo.v1.Demo"])
            #expect(chat.stdoutText.hasPrefix("demo.v1.Demo is a service:\nservice Demo {\n"))
            #expect(
                chat.stdoutText.contains(
                    "  rpc Chat ( stream .demo.v1.ChatMessage ) returns ( stream .demo.v1.ChatMessage );\n"))
        }
    }

    @Test func listReadsARecordingsEmbeddedSchema() async throws {
        let recording = Repository.root.appendingPathComponent("recordings/demo.jsonl").path
        let result = try await reprise(["list", recording])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "demo.v1.Demo\n")
        let raw = Repository.root.appendingPathComponent("recordings/demo-raw.jsonl").path
        // Without a schema: what its calls used, and how to get the types.
        let schemaless = try await reprise(["list", raw])
        #expect(schemaless.status == 0, "\(schemaless.stderrText)")
        #expect(schemaless.stdoutText == "demo.v1.Demo\n")
        #expect(schemaless.stderrText.contains("\(raw) has no embedded schema: these are what its calls used"))
        #expect(schemaless.stderrText.contains("-I DIR --proto FILE or --protoset FILE"))
        let used = try await reprise(["list", raw, "demo.v1.Demo"])
        #expect(used.stdoutText.hasPrefix("demo.v1.Demo.SayHello\ndemo.v1.Demo.Echo\n"), "\(used.stdoutText)")
        #expect(!used.stdoutText.contains("Nope"))
        let described = try await reprise(["describe", raw, "demo.v1.Demo"])
        #expect(described.status == 66)
        #expect(described.stderrText.contains("\(raw) has no embedded schema"), "\(described.stderrText)")
        #expect(described.stderrText.contains("-I DIR --proto FILE or --protoset FILE, without the recording"))
        let both = try await reprise(["list", recording] + Self.protoFlags)
        #expect(both.status == 64)
        #expect(both.stderrText.contains("A recording carries its schema"))

        let methods = try await reprise(["list", recording, "demo.v1.Demo"])
        #expect(methods.stdoutText.hasPrefix("demo.v1.Demo.SayHello\ndemo.v1.Demo.Echo\n"))
    }

    @Test func aServerWithoutReflectionSaysSoAndTheProtoFilesStandIn() async throws {
        let grpcio = try grpcioDemo(["--no-reflection"])
        let address = "127.0.0.1:\(grpcio.port)"
        let result = try await reprise(["list", "--plaintext", address])
        #expect(result.status == 69)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText.contains("\(address) does not serve server reflection"), "\(result.stderrText)")
        #expect(result.stderrText.contains("code = Unimplemented"))
        #expect(result.stderrText.contains("--proto FILE"))
        let files = try await reprise(["list"] + Self.protoFlags + [address])
        #expect(files.status == 0, "\(files.stderrText)")
        #expect(files.stdoutText == "demo.v1.Demo\n")
    }

    @Test func unknownSymbolsAndServicesExitOneWithSuggestions() async throws {
        try await withDemoServer { address in
            let symbol = try await reprise(["describe", "--plaintext", address, "demo.v1.HelloReqest"])
            #expect(symbol.status == 1)
            #expect(
                symbol.stderrText.contains(#"unknown symbol "demo.v1.HelloReqest"; did you mean demo.v1.HelloRequest"#),
                "\(symbol.stderrText)")
            let service = try await reprise(["list", "--plaintext", address, "demo.v1.Dem"])
            #expect(service.status == 1)
            #expect(service.stderrText.contains(#"unknown service "demo.v1.Dem"; did you mean demo.v1.Demo?"#))
        }
    }

    @Test func unreachableServersBadAddressesAndMissingRecordings() async throws {
        let port = try closedPort()
        let refused = try await reprise(["list", "--plaintext", "127.0.0.1:\(port)"])
        #expect(refused.status == 69)  // the network said no (README, "Exit statuses")
        // One sentence that names the server once: the engine's words, not a prefix repeating them.
        #expect(
            refused.stderrText.hasPrefix("Error: connection refused by 127.0.0.1:\(port): nothing listens there"),
            "\(refused.stderrText)")
        #expect(refused.stderrText.components(separatedBy: "127.0.0.1:\(port)").count == 2, "\(refused.stderrText)")

        let barePort = try await reprise(["describe", "50051", "demo.v1.Demo"])
        #expect(barePort.status == 64)
        #expect(barePort.stderrText.contains("ADDRESS 50051: give the host too, e.g. 127.0.0.1:50051."))

        let portZero = try await reprise(["list", "--plaintext", "[::1]:0"])
        #expect(portZero.status == 64)
        #expect(
            portZero.stderrText.contains("ADDRESS [::1]:0: give HOST:PORT with a port from 1 to 65535")
        )

        let nothing = try await reprise(["list"])
        #expect(nothing.status == 64)
        #expect(nothing.stderrText.contains("Give a server (HOST:PORT), a recording (FILE.jsonl)"))

        let missing = try await reprise(["list", "nope.jsonl"])
        #expect(missing.status == 66)
        #expect(missing.stderrText.contains("nope.jsonl"), "\(missing.stderrText)")

        let noSymbol = try await reprise(["describe", "127.0.0.1:\(port)"])
        #expect(noSymbol.status == 64)
        #expect(noSymbol.stderrText.contains("Name the symbol to describe"))
    }
}
