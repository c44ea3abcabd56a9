import GRPCProtocol
import Testing

@Suite struct MessagePrefixTests {
    @Test func aPrefixSaysWhetherThePayloadIsCompressedAndHowLongItIs() throws {
        let plain = try MessagePrefix(flag: 0, length: 12, limit: 100)
        #expect(plain == MessagePrefix(compressed: false, payloadLength: 12))
        let compressed = try MessagePrefix(flag: 1, length: 100, limit: 100)
        #expect(compressed.compressed && compressed.payloadLength == 100)
    }

    @Test func aLengthOverTheLimitAndAnUnknownFlagAreNamedAsGRPCGoNamesThem() {
        #expect(throws: MessagePrefix.Problem.tooLarge(length: 101, limit: 100)) {
            try MessagePrefix(flag: 0, length: 101, limit: 100)
        }
        #expect(
            MessagePrefix.Problem.tooLarge(length: 101, limit: 100).message
                == "grpc: received message larger than max (101 vs. 100)")
        #expect(throws: MessagePrefix.Problem.unknownFlag(2)) { try MessagePrefix(flag: 2, length: 1, limit: 100) }
        #expect(
            MessagePrefix.Problem.unknownFlag(2).message
                == "grpc: received unexpected payload format 2 in the message prefix")
    }
}
