import Foundation
import ProtoCodec
import Testing

/// Schema-less decoding for messages of unknown services: field numbers, wire types, and a best guess
/// for length-delimited values, with an exact way back to the bytes.
@Suite struct RawDecodingTests {
    @Test func fieldsAreShownByNumberAndWireType() throws {
        // 1: 150, 2: "testing", 3: {1: 1, 2: "hi"}, 4: fixed64 1, 5: fixed32 2, 6: bytes ff00, 7: group {1: 5}
        let bytes = [UInt8](
            hex: "089601 1207 74657374696e67 1a06 0801 12026869 21 0100000000000000 2d 02000000 3202 ff00 3b 0805 3c")
        let raw = try RawMessage(serializedBytes: bytes)
        #expect(
            raw.jsonValue.jsonString()
                == #"[{"field":1,"varint":150},{"field":2,"string":"testing"},{"field":3,"message":[{"field":1,"varint":1},{"field":2,"string":"hi"}]},{"field":4,"fixed64":1},{"field":5,"fixed32":2},{"field":6,"bytes":"/wA="},{"field":7,"group":[{"field":1,"varint":5}]}]"#
        )
        #expect(raw.serializedBytes() == bytes)
        #expect(try RawMessage(json: raw.jsonValue) == raw)
    }

    @Test func lengthDelimitedValuesAreReadableTextThenMessagesThenTextThenBytes() throws {
        func kind(_ hex: String) throws -> String {
            let payload = [UInt8](hex: hex)
            let raw = try RawMessage(serializedBytes: [0x0A, UInt8(payload.count)] + payload)
            let member = try #require(raw.jsonValue[0]?.objectValue?.members.last)
            return member.key
        }
        #expect(try kind("68656c6c6f20776f726c64") == "string")  // "hello world" would also parse as fields
        #expect(try kind("0801") == "message")
        #expect(try kind("0880") == "bytes")  // truncated varint inside
        #expect(try kind("08 80 00") == "bytes")  // a non-minimal varint would not re-encode the same
        #expect(try kind("01e9") == "bytes")  // not a message, not UTF-8
        #expect(try kind("c3a90a") == "string")  // UTF-8 with a newline
        #expect(try kind("") == "string")
    }

    @Test func hugeValuesAndLargeNumbersSurviveTheJSONForm() throws {
        let bytes = [UInt8](hex: "08ffffffffffffffffff01 f8ffffff0f01 09ffffffffffffffff")
        let raw = try RawMessage(serializedBytes: bytes)
        #expect(
            raw.jsonValue.jsonString()
                == #"[{"field":1,"varint":"18446744073709551615"},{"field":536870911,"varint":1},{"field":1,"fixed64":"18446744073709551615"}]"#
        )
        #expect(try RawMessage(json: raw.jsonValue).serializedBytes() == bytes)
    }

    @Test func malformedInputIsAnErrorWithTheOffset() throws {
        let error = try #require(throws: CodecError.self) {
            try RawMessage(serializedBytes: [UInt8](hex: "0801 1205 6162"))
        }
        #expect(error.description == "byte 3: length 5 runs past the end of the input (2 bytes left)")
        #expect(throws: CodecError.self) { try RawMessage(serializedBytes: [UInt8](hex: "0b 0801")) }
        #expect(throws: CodecError.self) { try RawMessage(json: [["field": 0, "varint": 1]]) }
        #expect(throws: CodecError.self) { try RawMessage(json: [["field": 1, "float": 1]]) }
    }
}
