import Foundation
import ProtoCodec
import Testing

@Suite struct JSONValueTests {
    @Test func literalsBuildTreesAndSerializeCompactlyOrPretty() throws {
        let value: JSONValue = ["name": "Ada", "ids": [1, 2.5, -3], "ok": true, "none": nil, "nested": ["a": []]]
        #expect(value.jsonString() == #"{"name":"Ada","ids":[1,2.5,-3],"ok":true,"none":null,"nested":{"a":[]}}"#)
        #expect(
            value.jsonString(pretty: true)
                == "{\n  \"name\": \"Ada\",\n  \"ids\": [\n    1,\n    2.5,\n    -3\n  ],\n  \"ok\": true,\n  \"none\": null,\n  \"nested\": {\n    \"a\": []\n  }\n}"
        )
        #expect(value["ids"]?[1]?.doubleValue == 2.5)
        #expect(value["nested"]?["a"]?.arrayValue?.isEmpty == true)
        #expect(value["missing"] == nil)
    }

    /// The writer keeps "has a member yet" in a 64-bit word for the first 64 levels and an array past them:
    /// commas must come out right on both sides of that boundary, compact and pretty.
    @Test(arguments: [1, 63, 64, 65, 130])
    func nestingOnBothSidesOfTheWritersBitWordSerializesExactly(depth: Int) throws {
        var text = "[1,2]"
        for level in 0..<depth { text = level % 2 == 0 ? #"{"a":\#(text),"b":[3,4]}"# : "[\(text),5,{}]" }
        let value = try JSONValue(parsing: text)
        #expect(value.jsonString() == text)
        #expect(try JSONValue(parsing: value.jsonString(pretty: true)) == value)
    }

    @Test func parsingKeepsNumbersExactlyAndKeysInOrder() throws {
        let text =
            #"{"z": 18446744073709551615, "a": -9223372036854775808, "f": 1.50, "e": 1E+2, "big": 123456789012345678901234567890}"#
        let value = try JSONValue(parsing: text)
        #expect(value.objectValue?.keys == ["z", "a", "f", "e", "big"])
        #expect(value["z"]?.numberValue?.uint64Value == .max)
        #expect(value["a"]?.int64Value == .min)
        #expect(value["f"]?.numberValue?.text == "1.50")
        #expect(value["e"]?.int64Value == 100)
        #expect(value["big"]?.numberValue?.text == "123456789012345678901234567890")
        #expect(value["big"]?.int64Value == nil)
        #expect(
            value.jsonString()
                == #"{"z":18446744073709551615,"a":-9223372036854775808,"f":1.50,"e":1E+2,"big":123456789012345678901234567890}"#
        )
    }

    @Test func stringsAreUnescapedAndEscapedFaithfully() throws {
        let value = try JSONValue(parsing: #"["\"\\\/\b\f\n\r\t\u0001\u00e9\ud83d\ude00", "日本"]"#)
        #expect(value[0] == .string("\"\\/\u{8}\u{c}\n\r\t\u{1}\u{e9}\u{1F600}"))
        #expect(value[1] == .string("日本"))
        #expect(value.jsonString() == #"["\"\\/\b\f\n\r\t\u0001é😀","日本"]"#)
        #expect(throws: CodecError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func objectsCompareWithoutRegardToOrderAndMembersCanBeEdited() throws {
        var a: JSONValue = ["x": 1, "y": [true]]
        let b: JSONValue = ["y": [true], "x": 1]
        #expect(a == b && a.hashValue == b.hashValue)
        a["x"] = "changed"
        a["z"] = nil
        a["w"] = .null
        #expect(a.jsonString() == #"{"x":"changed","y":[true],"w":null}"#)
        #expect(JSONNumber("1.0") != JSONNumber("1"))
        #expect(JSONNumber("01") == nil && JSONNumber("-") == nil && JSONNumber("1e5") != nil)
    }

    @Test func numbersFromSwiftValuesUseTheShortestForm() throws {
        #expect(JSONNumber(Double(0.1))?.text == "0.1")
        #expect(JSONNumber(Double(1e21))?.text == "1e+21")
        #expect(JSONNumber(Double(-1.5e-10))?.text == "-1.5e-10")
        #expect(JSONNumber(Float(0.1))?.text == "0.1")
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(Int64.min).text == "-9223372036854775808")
        let literal: JSONValue = 2.5
        #expect(literal == .number(JSONNumber("2.5")!))
    }

    @Test func codableBridgesToFoundationCoders() throws {
        let value: JSONValue = ["id": 9_007_199_254_740_993, "tags": ["a"], "score": 0.5, "on": false, "n": nil]
        let data = try JSONEncoder().encode(value)
        let back = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(back["id"]?.int64Value == 9_007_199_254_740_993)
        #expect(back["tags"] == ["a"] && back["score"] == 0.5 && back["on"] == false && back["n"] == .null)
        struct Wrapper: Codable, Equatable {
            var payload: JSONValue
        }
        let wrapped = try JSONDecoder().decode(Wrapper.self, from: Data(#"{"payload": {"k": [1, "x"]}}"#.utf8))
        #expect(wrapped.payload == ["k": [1, "x"]])
    }

    @Test func documentsParseFromStringsBytesAndData() throws {
        let text = #"  {"a": [1, {"b": null}]}  "#
        let fromString = try JSONValue(parsing: text)
        let fromBytes = try JSONValue(parsing: Array(text.utf8))
        let fromData = try JSONValue(parsing: Data(text.utf8))
        #expect(fromString == fromBytes && fromBytes == fromData)
        #expect(try JSONValue(parsing: fromString.jsonData()) == fromString)
        #expect(try JSONValue(parsing: "true") == true)
        #expect(try JSONValue(parsing: "-0") == .number(JSONNumber("-0")!))
    }

    @Test func aSequenceIsValuesOneAfterAnotherWithOrWithoutWhitespace() throws {
        let values = try JSONValue.sequence(parsing: " {\"a\":1}{\"a\":2}\n\t[3] \"s\" 4 true null{} ")
        #expect(values == [["a": 1], ["a": 2], [3], "s", 4, true, nil, [:]])
        #expect(try JSONValue.sequence(parsing: "[1,2]") == [[1, 2]])
        #expect(try JSONValue.sequence(parsing: "") == [])
        #expect(try JSONValue.sequence(parsing: " \n ") == [])
        // Numbers and literals need no separator from a bracket, but two numbers do.
        #expect(try JSONValue.sequence(parsing: "1 2") == [1, 2])
        #expect(try JSONValue.sequence(parsing: "12") == [12])
    }

    @Test func aBrokenSequenceNamesWhereItBreaks() {
        #expect(throws: CodecError.self) { try JSONValue.sequence(parsing: #"{"a":1} {"a":2"#) }
        do {
            _ = try JSONValue.sequence(parsing: "{\"a\":1}\n{\"a\":}")
            Issue.record("a broken second value parsed")
        } catch {
            #expect("\(error)".contains("line 2, column 6"), "\(error)")
        }
        do {
            _ = try JSONValue.sequence(parsing: #"{"a":1} x"#)
            Issue.record("a stray word parsed")
        } catch {
            #expect("\(error)".contains("line 1, column 9: unexpected 'x'"), "\(error)")
        }
    }
}
