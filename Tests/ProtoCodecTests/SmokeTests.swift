import Foundation
import ProtoCodec
import ProtoSchema
import Testing

@Suite struct SmokeTests {
    @Test func scalarsRoundTripThroughBinaryAndJSON() throws {
        let type = CodecFixtures.type("reprise.codec.p3.Scalars")
        var message = type.makeMessage()
        message["f_int32"] = .int32(-5)
        message["fString"] = .string("héllo")
        message["f_int64"] = .int64(Int64.min)
        message["f_double"] = .double(.nan)
        message["f_bytes"] = .bytes([0, 1, 255])
        message["f_enum"] = .enumNumber(2)
        let bytes = try message.serializedBytes()
        let back = try DynamicMessage(type: type, serializedBytes: bytes)
        #expect(back == message)
        let json = try message.jsonString()
        print(json)
        let parsed = try DynamicMessage(type: type, jsonString: json)
        #expect(parsed == message)
        print(
            try message.jsonString(
                options: .with {
                    $0.pretty = true
                    $0.unpopulated = .omitted
                }))
    }
}
