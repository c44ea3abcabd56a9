import Foundation
import ProtoCodec
import TestSupport
import Testing

/// Inputs `make fuzz` found (fixtures/fuzz/regressions), fed through the API its target uses.
@Suite struct FuzzRegressionTests {
    /// The binary-decoder target's input: byte 0 picks the type from its list (10 is Extendable), byte 1
    /// the options (0: the defaults), the rest is the message.
    @Test func anExtensionSeenAgainWithAnotherWireTypeKeepsItsValue() throws {
        let input = try [UInt8](
            Data(contentsOf: CodecFixtures.regression("binary-extension-group-then-wrong-wire-type.bin")))
        #expect(input.prefix(2) == [10, 0])
        try expectRoundTrip(Array(input.dropFirst(2)))

        // Its core: group extension 106 (`extgroup { g: 4 }`), then field 106 as length-delimited bytes,
        // which belong in the unknown fields. The group was left as a placeholder `false`, which encoded
        // as bytes that no longer decode.
        let message = try expectRoundTrip([UInt8](hex: "d306 0804 d406 d206 00"))
        let json = try message.jsonString()
        #expect(json.contains(#""[reprise.codec.p2.extgroup]":{"g":4}"#), "\(json)")
    }

    @discardableResult
    private func expectRoundTrip(_ bytes: [UInt8]) throws -> DynamicMessage {
        let type = try CodecFixtures.type("reprise.codec.p2.Extendable")
        let message = try DynamicMessage(type: type, serializedBytes: bytes)
        let again = try message.serializedBytes(options: .with { $0.allowPartial = true })
        let reread = try DynamicMessage(type: type, serializedBytes: again, options: .with { $0.allowPartial = true })
        #expect(reread == message)
        return message
    }
}

extension CodecFixtures {
    /// An input kept from a fuzzing run.
    static func regression(_ name: String) -> URL { Repository.fixture("fuzz/regressions/\(name)") }
}
