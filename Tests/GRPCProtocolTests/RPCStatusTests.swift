import GRPCProtocol
import Testing

@Suite struct RPCStatusTests {
    @Test func roundTripsCodeMessageAndDetails() throws {
        let status = RPCStatus(
            code: 3, message: "bad ✓",
            details: [
                .init(typeURL: "type.googleapis.com/google.rpc.BadRequest", value: [0x0A, 0x02, 0x08, 0x01]),
                .init(typeURL: "", value: []),
            ])
        #expect(try RPCStatus(serializedBytes: status.serializedBytes()) == status)
        #expect(status.details[0].typeName == "google.rpc.BadRequest")
    }

    @Test func theEmptyStatusIsZeroBytes() throws {
        #expect(RPCStatus(code: 0).serializedBytes() == [])
        #expect(try RPCStatus(serializedBytes: []) == RPCStatus(code: 0))
    }

    @Test func unknownFieldsAreSkipped() throws {
        // field 9 varint, field 10 fixed64, field 11 fixed32, then code 5
        let bytes: [UInt8] = [0x48, 0x01, 0x51] + [UInt8](repeating: 0, count: 8) + [0x5D, 0, 0, 0, 0, 0x08, 0x05]
        #expect(try RPCStatus(serializedBytes: bytes) == RPCStatus(code: 5))
    }

    @Test(arguments: [[0x12, 0x05, 0x41], [0x08], [0x08, 0x80], [0x00, 0x01], [0x0B], [0x51, 0x00]] as [[UInt8]])
    func malformedBytesAreRejected(bytes: [UInt8]) {
        #expect(throws: ProtobufReadError.self) { try RPCStatus(serializedBytes: bytes) }
    }
}
