import Foundation
import ProtoCodec
import ProtoSchema
import Testing

/// The edge values of every scalar type survive binary and JSON, in both directions.
@Suite struct ScalarEdgeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var field: String
        var value: Value
        var json: String
        var testDescription: String { "\(field) = \(json)" }
    }

    static let cases: [Case] = [
        Case(field: "f_int32", value: .int32(.min), json: "-2147483648"),
        Case(field: "f_int32", value: .int32(.max), json: "2147483647"),
        Case(field: "f_int32", value: .int32(-1), json: "-1"),
        Case(field: "f_sint32", value: .int32(.min), json: "-2147483648"),
        Case(field: "f_sfixed32", value: .int32(.min), json: "-2147483648"),
        Case(field: "f_uint32", value: .uint32(.max), json: "4294967295"),
        Case(field: "f_fixed32", value: .uint32(.max), json: "4294967295"),
        Case(field: "f_int64", value: .int64(.min), json: "\"-9223372036854775808\""),
        Case(field: "f_int64", value: .int64(.max), json: "\"9223372036854775807\""),
        Case(field: "f_sint64", value: .int64(.min), json: "\"-9223372036854775808\""),
        Case(field: "f_sfixed64", value: .int64(.min), json: "\"-9223372036854775808\""),
        Case(field: "f_uint64", value: .uint64(.max), json: "\"18446744073709551615\""),
        Case(field: "f_fixed64", value: .uint64(.max), json: "\"18446744073709551615\""),
        Case(field: "f_uint64", value: .uint64(9_007_199_254_740_993), json: "\"9007199254740993\""),
        Case(field: "f_double", value: .double(-0.0), json: "-0"),
        Case(field: "f_double", value: .double(.nan), json: "\"NaN\""),
        Case(field: "f_double", value: .double(.infinity), json: "\"Infinity\""),
        Case(field: "f_double", value: .double(-.infinity), json: "\"-Infinity\""),
        Case(field: "f_double", value: .double(.greatestFiniteMagnitude), json: "1.7976931348623157e+308"),
        Case(field: "f_double", value: .double(.leastNonzeroMagnitude), json: "5e-324"),
        Case(field: "f_double", value: .double(0.1), json: "0.1"),
        Case(field: "f_double", value: .double(1e21), json: "1e+21"),
        Case(field: "f_double", value: .double(1e20), json: "100000000000000000000"),
        Case(field: "f_double", value: .double(1e-7), json: "1e-7"),
        Case(field: "f_double", value: .double(0.000001), json: "0.000001"),
        Case(field: "f_double", value: .double(123.456), json: "123.456"),
        Case(field: "f_double", value: .double(9_007_199_254_740_992), json: "9007199254740992"),
        Case(field: "f_double", value: .double(1.5e300), json: "1.5e+300"),
        Case(field: "f_float", value: .float(.greatestFiniteMagnitude), json: "3.4028235e+38"),
        Case(field: "f_float", value: .float(.leastNonzeroMagnitude), json: "1e-45"),
        Case(field: "f_float", value: .float(0.1), json: "0.1"),
        Case(field: "f_float", value: .float(-0.0), json: "-0"),
        Case(field: "f_float", value: .float(16_777_216), json: "16777216"),
        Case(field: "f_float", value: .float(1e-7), json: "1e-7"),
        Case(field: "f_float", value: .float(.nan), json: "\"NaN\""),
        Case(field: "f_bool", value: .bool(true), json: "true"),
        Case(
            field: "f_string", value: .string("h\u{e9}llo \u{1F600} \u{65E5}"),
            json: "\"h\u{e9}llo \u{1F600} \u{65E5}\""),
        Case(field: "f_string", value: .string("\"\\\n\t\u{1}\u{1F}/\u{7F}"), json: #""\"\\\n\t\u0001\u001f/\#u{7F}""#),
        Case(
            field: "f_string", value: .string(String(repeating: "x", count: 300)),
            json: "\"\(String(repeating: "x", count: 300))\""),
        Case(field: "f_bytes", value: .bytes([0, 255, 128]), json: "\"AP+A\""),
        Case(
            field: "f_bytes", value: .bytes(Array(0...255)), json: "\"\(Data(Array(0...255)).base64EncodedString())\""),
        Case(field: "f_enum", value: .enumNumber(-3), json: "\"COLOR_BLUE\""),
        Case(field: "f_enum", value: .enumNumber(.max), json: "2147483647"),
        Case(field: "f_enum", value: .enumNumber(.min), json: "-2147483648"),
    ]

    @Test(arguments: cases)
    func edgeValueRoundTrips(_ edge: Case) throws {
        let type = try CodecFixtures.type("reprise.codec.p3.Scalars")
        var message = type.makeMessage()
        message[edge.field] = edge.value
        let binary = try message.serializedBytes()
        #expect(try DynamicMessage(type: type, serializedBytes: binary) == message)
        let json = try message.jsonString(options: .with { $0.unpopulated = .omitted })
        let jsonName = type.field(named: edge.field)!.jsonName
        let expected = "{\"\(jsonName)\":\(edge.json)}"
        #expect(json == expected)
        #expect(try DynamicMessage(type: type, jsonString: json) == message)
    }

    @Test(arguments: [
        ("fInt32", "2147483648"), ("fInt32", "1.5"), ("fInt32", "\"1 \""), ("fInt32", "true"), ("fUint32", "-1"),
        ("fUint64", "\"-1\""), ("fInt64", "9223372036854775808"), ("fInt64", "\"0x10\""), ("fFloat", "3.5e38"),
        ("fFloat", "\"nan\""), ("fDouble", "1e400"), ("fBool", "\"true\""), ("fBool", "1"), ("fString", "1"),
        ("fBytes", "\"***\""), ("fBytes", "\"A\""), ("fEnum", "\"NOPE\""), ("fEnum", "1.5"), ("fMessage", "[]"),
        ("fMessage", "1"),
    ])
    func valuesOfTheWrongTypeOrOutOfRangeAreRejected(field: String, json: String) throws {
        let error = try #require(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.p3.Scalars", "{\"\(field)\": \(json)}")
        }
        #expect(error.code == .invalidValue)
        #expect(error.path == "$.\(field)")
    }

    @Test func everyMapKeyTypeRoundTrips() throws {
        let text =
            #"{"int32ToString":{"-2147483648":"a"},"int64ToInt64":{"9223372036854775807":"-1"},"uint32ToBytes":{"4294967295":"AQ=="},"uint64ToDouble":{"18446744073709551615":1.5},"sint32ToFloat":{"-1":0.5},"sint64ToBool":{"-9223372036854775808":true},"fixed32ToEnum":{"0":"COLOR_RED"},"fixed64ToMessage":{"1":{"fInt32":1}},"sfixed32ToSint32":{"-5":-6},"sfixed64ToUint64":{"5":"6"},"boolToString":{"false":"f","true":"t"},"stringToString":{"":"empty","\u00e9":"x"},"stringToMaps":{"k":{"boolToString":{"true":""}}}}"#
        let type = try CodecFixtures.type("reprise.codec.p3.Maps")
        let message = try DynamicMessage(type: type, jsonString: text)
        let written = try message.jsonString(options: .with { $0.unpopulated = .omitted })
        #expect(written == text.replacingOccurrences(of: "\\u00e9", with: "\u{e9}"))
        #expect(try DynamicMessage(type: type, serializedBytes: message.serializedBytes()) == message)
        #expect(throws: CodecError.self) {
            try DynamicMessage(type: type, jsonString: #"{"int32ToString": {"x": "a"}}"#)
        }
        #expect(throws: CodecError.self) {
            try DynamicMessage(type: type, jsonString: #"{"boolToString": {"1": "a"}}"#)
        }
    }
}
