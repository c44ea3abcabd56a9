import Foundation
import ProtoCodec
import ProtoSchema
import Testing

/// Errors name the place (byte offset and field path, or JSON path and line/column) and what was wrong.
@Suite struct ErrorMessageTests {
    struct BinaryCase: Sendable, CustomTestStringConvertible {
        var type: String
        var hex: String
        var code: CodecError.Code
        var description: String
        var testDescription: String { description }
    }

    static let binaryCases: [BinaryCase] = [
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "28ff", code: .truncated,
            description: "byte 1, $.fInt32: truncated varint (the input ends inside it)"),
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "0f", code: .malformed,
            description: "byte 0: invalid wire type 7 (field 1)"),
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "00", code: .malformed, description: "byte 0: invalid field number 0"
        ),
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "4a05 6162", code: .truncated,
            description: "byte 1, $.fString: length 5 runs past the end of the input (2 bytes left)"),
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "8a01 04 4a02 c328", code: .invalidUTF8,
            description: "byte 5, $.fMessage.fString: invalid UTF-8 in string field reprise.codec.p3.Scalars.f_string"),
        BinaryCase(
            type: "reprise.codec.p3.Repeated", hex: "8a01 00 8a01 03 4a01ff", code: .invalidUTF8,
            description:
                "byte 8, $.rMessage[1].fString: invalid UTF-8 in string field reprise.codec.p3.Scalars.f_string"),
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "0c", code: .endGroupMismatch,
            description: "byte 0: END_GROUP for field 1 without a START_GROUP"),
        BinaryCase(
            type: "reprise.codec.p2.Groups", hex: "0b 1001 24", code: .endGroupMismatch,
            description: "byte 3, $.single: END_GROUP for field 4 inside group 1"),
        BinaryCase(
            type: "reprise.codec.p2.Groups", hex: "0b 1001", code: .truncated,
            description: "byte 3, $.single: group 1 is not closed (no END_GROUP)"),
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "09 0102", code: .truncated,
            description: "byte 1, $.fDouble: truncated fixed64 value (2 bytes left)"),
        BinaryCase(
            type: "reprise.codec.p3.Repeated", hex: "1205 0000803f00", code: .malformed,
            description: "byte 2, $.rFloat: packed field of 5 bytes is not a whole number of 4-byte values"),
        BinaryCase(
            type: "reprise.codec.p3.Repeated", hex: "2a02 01ff", code: .truncated,
            description: "byte 3, $.rInt32: truncated varint (the input ends inside it)"),
        BinaryCase(
            type: "reprise.codec.p3.Scalars", hex: "28 ffffffffffffffffffff01", code: .malformed,
            description: "byte 1, $.fInt32: varint longer than 10 bytes"),
        BinaryCase(
            type: "reprise.codec.p3.Maps", hex: "0a03 08ffff", code: .truncated,
            description: "byte 3, $.int32ToString[0]: truncated varint (the input ends inside it)"),
    ]

    @Test(arguments: binaryCases)
    func binaryErrorsNameTheOffsetTheFieldAndTheProblem(_ example: BinaryCase) throws {
        let type = try CodecFixtures.type(example.type)
        let error = try #require(throws: CodecError.self) {
            try DynamicMessage(type: type, serializedBytes: [UInt8](hex: example.hex))
        }
        #expect(error.code == example.code)
        #expect(error.description == example.description)
    }

    @Test func recursionLimitErrorsSayWhichLimit() throws {
        let error = try #require(throws: CodecError.self) {
            try DynamicMessage(
                type: try CodecFixtures.type("reprise.codec.p3.Tree"), serializedBytes: CodecFixtures.nestedTrees(120))
        }
        #expect(error.code == .recursionLimit)
        #expect(error.message == "messages nested deeper than the recursion limit (100)")
        #expect(error.path?.hasPrefix("$.left.left.left") == true)
    }

    struct JSONCase: Sendable, CustomTestStringConvertible {
        var type: String
        var json: String
        var description: String
        var testDescription: String { description }
    }

    static let jsonCases: [JSONCase] = [
        JSONCase(
            type: "reprise.codec.p3.Repeated", json: #"{"rMessage": [{}, {}, {"fString": 5}]}"#,
            description: "$.rMessage[2].fString: expected a string for field f_string, got number 5"),
        JSONCase(
            type: "reprise.codec.p3.Scalars", json: #"{"fInt64": "12x"}"#,
            description:
                #"$.fInt64: expected a 64-bit integer (a number or a string of digits) for field f_int64, got string "12x""#
        ),
        JSONCase(
            type: "reprise.codec.p3.Maps", json: #"{"stringToMaps": {"a b": {"int32ToString": {"1": 2}}}}"#,
            description: #"$.stringToMaps["a b"].int32ToString["1"]: expected a string for field value, got number 2"#),
        JSONCase(
            type: "reprise.codec.p3.Scalars", json: #"{"fEnum": "PURPLE"}"#,
            description:
                #"$.fEnum: "PURPLE" is not a value of enum reprise.codec.p3.Color (expected one of: COLOR_UNSPECIFIED, COLOR_RED, COLOR_GREEN, COLOR_BLUE)"#
        ),
        JSONCase(
            type: "reprise.codec.p3.Repeated", json: #"{"rInt32": 5}"#,
            description: "$.rInt32: expected an array for repeated field r_int32, got number"),
        JSONCase(
            type: "reprise.codec.p3.Repeated", json: #"{"rInt32": [1, null]}"#,
            description: "$.rInt32[1]: null is not allowed in a list (r_int32)"),
        JSONCase(
            type: "reprise.codec.p3.Scalars", json: #"[1]"#,
            description: "expected an object for reprise.codec.p3.Scalars, got array"),
        JSONCase(
            type: "reprise.codec.wkt.Known", json: #"{"timestamp": "yesterday"}"#,
            description: #"$.timestamp: expected an RFC 3339 timestamp like "1972-01-01T10:00:20.021Z""#),
        JSONCase(
            type: "reprise.codec.p2.WithRequiredChild", json: #"{"child": {"id": 1}}"#,
            description: "$.child.name: required field reprise.codec.p2.Required.name is not set"),
    ]

    @Test(arguments: jsonCases)
    func jsonErrorsNameThePathAndTheExpectedType(_ example: JSONCase) throws {
        let error = try #require(throws: CodecError.self) {
            try CodecFixtures.message(example.type, example.json)
        }
        #expect(error.description == example.description)
    }

    @Test(arguments: [
        ("{\"a\": 1,\n  \"b\": }", "line 2, column 8: unexpected '}': expected a value"),
        ("{\"a\" 1}", "line 1, column 6: unexpected '1': expected ':' after the key"),
        ("[1, 2", "line 1, column 6: unexpected end of input: expected ',' or ']'"),
        ("\"abc", "line 1, column 1: unterminated string"),
        ("01", "line 1, column 2: invalid number: leading zeros are not allowed"),
        ("{} x", "line 1, column 4: unexpected 'x' after the JSON value"),
        ("\"\\uD800\"", "line 1, column 8: unpaired UTF-16 surrogate in a \\u escape"),
        ("\"a\tb\"", "line 1, column 3: control character U+0009 in a string must be escaped"),
        ("", "line 1, column 1: empty input: expected a JSON value"),
        ("{\"é\": tru}", "line 1, column 7: unexpected 't': expected a value"),
    ])
    func jsonSyntaxErrorsGiveLineAndColumn(text: String, description: String) throws {
        let error = try #require(throws: CodecError.self) { try JSONValue(parsing: text) }
        #expect(error.code == .jsonSyntax)
        #expect(error.description == description)
    }

    @Test func deeplyNestedJSONIsRejectedNotOverflowed() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(throws: CodecError.self) { try JSONValue(parsing: deep) }
        #expect(error.message == "JSON nested deeper than 1000 levels")
        let tree = String(repeating: #"{"left":"#, count: 150) + "{}" + String(repeating: "}", count: 150)
        let limit = try #require(throws: CodecError.self) { try CodecFixtures.message("reprise.codec.p3.Tree", tree) }
        #expect(limit.code == .recursionLimit)
    }
}
