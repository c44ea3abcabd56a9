import Foundation
import TestSupport
import Testing

/// A method the schema does not have: k6's words, then what is near it (the name with other case, the
/// service's methods, or the services), from reflection and from given protos alike.
@Suite("A method not there")
struct UnknownMethodTests {
    @Test func theErrorSaysWhatIsNear() async throws {
        try await withDemoServer { address in
            let protos = ["-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"]
            let cases: [([String], String)] = [
                (
                    ["demo.v1.Demo/SayHellox"],
                    #"method "/demo.v1.Demo/SayHellox" not found in file descriptors; did you mean demo.v1.Demo/SayHello?"#
                ),
                (["demo.v1.Demo/sayhello"], "; did you mean demo.v1.Demo/SayHello?"),
                (["demo.v1.Demo/Zzzz"], "; demo.v1.Demo has SayHello, Echo, Countdown"),
                (protos + ["demo.v1.Dem/SayHello"], "; did you mean the service demo.v1.Demo?"),
                (protos + ["other.v9.Thing/SayHello"], "; the services here are demo.v1.Demo"),
                (
                    ["demo.v1.Demo"],
                    "; demo.v1.Demo is a service: name one of its methods, demo.v1.Demo/METHOD, of SayHello, Echo, "
                ),
            ]
            for (arguments, expected) in cases {
                let result = try await reprise(["call", "--plaintext", "-d", #"{"name":"x"}"#, address] + arguments)
                #expect(result.status == 1)
                #expect(result.stderrText.contains(expected), "\(arguments): \(result.stderrText)")
            }
        }
    }
}
