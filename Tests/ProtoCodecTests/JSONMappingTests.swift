import Foundation
import ProtoCodec
import ProtoSchema
import Testing

/// k6's JSON mapping (protojson with EmitUnpopulated), field by field.
@Suite struct JSONMappingTests {
    func json(_ message: DynamicMessage, _ options: JSONEncodingOptions = .default) throws -> JSONValue {
        try message.jsonValue(options: options)
    }

    @Test func unpopulatedProto3FieldsAreEmittedTheWayK6Does() throws {
        let message = try CodecFixtures.message("reprise.codec.p3.Optionals", "{}")
        #expect(try json(message) == ["plainAfter": 0])  // proto3 optional fields are omitted
        let scalars = try json(try CodecFixtures.type("reprise.codec.p3.Scalars").makeMessage())
        #expect(scalars["fInt64"] == "0" && scalars["fDouble"] == 0 && scalars["fBool"] == false)
        #expect(scalars["fString"] == "" && scalars["fBytes"] == "" && scalars["fEnum"] == "COLOR_UNSPECIFIED")
        #expect(scalars["fMessage"] == .null)
        let repeated = try json(try CodecFixtures.type("reprise.codec.p3.Repeated").makeMessage())
        #expect(repeated["rInt32"] == [] && repeated["rMessage"] == [])
        let maps = try json(try CodecFixtures.type("reprise.codec.p3.Maps").makeMessage())
        #expect(maps["stringToString"] == .object([:]))
        let oneofs = try json(CodecFixtures.message("reprise.codec.p3.Oneofs", #"{"cString": "x"}"#))
        #expect(oneofs == ["cString": "x", "outside": ""])
    }

    @Test func unpopulatedProto2ScalarsAreNullAndEditionsScalarsTheirDefault() throws {
        let defaults = try json(try CodecFixtures.type("reprise.codec.p2.Defaults").makeMessage())
        #expect(defaults["dInt32"] == .null && defaults["dString"] == .null && defaults["noDefaultEnum"] == .null)
        let required = try json(try CodecFixtures.type("reprise.codec.p2.Required").makeMessage())
        #expect(required == ["id": nil, "name": nil, "child": nil, "list": [], "byName": .object([:])])
        let features = try json(try CodecFixtures.type("reprise.codec.ed.Features").makeMessage())
        #expect(features["explicitInt"] == 0 && features["withDefault"] == 7 && features["closedEnum"] == "CLOSED_ONE")
        #expect(features["delimitedChild"] == .null && features["kText"] == nil)
    }

    @Test func omittingUnpopulatedFieldsAndProtobufsNoPresenceModeAreOptions() throws {
        let message = try CodecFixtures.message("reprise.codec.p3.Scalars", #"{"fInt32": 3}"#)
        #expect(try json(message, .with { $0.unpopulated = .omitted }) == ["fInt32": 3])
        let noPresence = try json(message, .with { $0.unpopulated = .emittedWithoutPresence })
        #expect(noPresence["fMessage"] == nil && noPresence["fInt64"] == "0")
    }

    @Test func valuesAreWrittenWithK6sTypes() throws {
        let message = try CodecFixtures.message(
            "reprise.codec.p3.Scalars",
            #"{"fDouble": "NaN", "fFloat": "-Infinity", "fInt64": "-9223372036854775808", "fUint64": "18446744073709551615", "fInt32": -1, "fFixed32": 4294967295, "fBytes": "AP8=", "fEnum": 99, "fSint64": 5}"#
        )
        let text = try message.jsonString(options: .with { $0.unpopulated = .omitted })
        #expect(
            text
                == #"{"fDouble":"NaN","fFloat":"-Infinity","fInt64":"-9223372036854775808","fUint64":"18446744073709551615","fInt32":-1,"fFixed32":4294967295,"fBytes":"AP8=","fEnum":99,"fSint64":"5"}"#
        )
        let names = try message.jsonString(
            options: .with {
                $0.unpopulated = .omitted
                $0.useProtoNames = true
            })
        #expect(names.hasPrefix(#"{"f_double":"NaN","f_float":"-Infinity""#))
        let colors = try CodecFixtures.message("reprise.codec.p3.Repeated", #"{"rEnum": ["COLOR_RED", 2, -3]}"#)
        #expect(
            try json(colors, .with { $0.unpopulated = .omitted }) == [
                "rEnum": ["COLOR_RED", "COLOR_GREEN", "COLOR_BLUE"]
            ])
        #expect(
            try json(
                colors,
                .with {
                    $0.unpopulated = .omitted
                    $0.enumsAsNumbers = true
                }) == ["rEnum": [1, 2, -3]])
    }

    @Test func customJSONNamesAreUsedAndAllNameFormsAreAccepted() throws {
        let naming = try CodecFixtures.type("reprise.codec.p3.Naming")
        let message = try DynamicMessage(
            type: naming,
            jsonString:
                #"{"snake_case_name": 1, "withDigit2x": 2, "customJson": 3, "Leading": 4, "trailing": 5, "double__under": 6}"#
        )
        #expect(
            try json(message, .with { $0.unpopulated = .omitted })
                == [
                    "snakeCaseName": 1, "withDigit2x": 2, "customJson": 3, "Leading": 4, "trailing": 5,
                    "doubleUnder": 6,
                ])
        let viaProtoName = try DynamicMessage(type: naming, jsonString: #"{"explicit_name": 3}"#)
        #expect(viaProtoName["explicit_name"] == .int32(3))
    }

    @Test func inputAcceptsTheFormsProtojsonAccepts() throws {
        let message = try CodecFixtures.message(
            "reprise.codec.p3.Scalars",
            #"{"fInt64": 9007199254740993, "fUint64": "18446744073709551615", "fInt32": "-7", "fUint32": 1e3, "fSint32": 2.0, "fDouble": "1.5", "fFloat": 0.1, "fBytes": "-_8", "fEnum": "COLOR_BLUE", "fMessage": null, "fString": null}"#
        )
        #expect(message["fInt64"] == .int64(9_007_199_254_740_993))
        #expect(message["fUint64"] == .uint64(.max))
        #expect(message["fInt32"] == .int32(-7))
        #expect(message["fUint32"] == .uint32(1000))
        #expect(message["fSint32"] == .int32(2))
        #expect(message["fDouble"] == .double(1.5))
        #expect(message["fFloat"] == .float(0.1))
        #expect(message["fBytes"] == .bytes([0xFB, 0xFF]))
        #expect(message["fEnum"] == .enumNumber(-3))
        #expect(message["fMessage"] == nil && message["fString"] == nil)
        for base64 in ["+/8=", "+/8", "-_8=", "-_8"] {
            let bytes = try CodecFixtures.message("reprise.codec.p3.Scalars", #"{"fBytes": "\#(base64)"}"#)
            #expect(bytes["fBytes"] == .bytes([0xFB, 0xFF]), "\(base64)")
        }
        let maps = try CodecFixtures.message(
            "reprise.codec.p3.Maps",
            #"{"int64ToInt64": {"-5": "6"}, "boolToString": {"true": "t"}, "uint32ToBytes": {"4294967295": ""}}"#)
        #expect(maps["int64ToInt64"]?.mapValue?[.int64(-5)] == .int64(6))
        #expect(maps["boolToString"]?.mapValue?[.bool(true)] == .string("t"))
        #expect(maps["uint32ToBytes"]?.mapValue?[.uint32(.max)] == .bytes([]))
    }

    @Test func unknownFieldsAreErrorsUnlessIgnored() throws {
        let scalars = try CodecFixtures.type("reprise.codec.p3.Scalars")
        let error = try #require(throws: CodecError.self) {
            try DynamicMessage(type: scalars, jsonString: #"{"fMessage": {"nope": 1}}"#)
        }
        #expect(error.code == .unknownField)
        // The fields it has follow, by JSON name, the first twelve.
        #expect(
            error.description.hasPrefix(
                #"$.fMessage.nope: unknown field "nope" in reprise.codec.p3.Scalars; its fields are fDouble, fFloat, "#),
            "\(error.description)")
        #expect(error.description.hasSuffix(" more"), "\(error.description)")
        let ignored = try DynamicMessage(
            type: scalars, jsonString: #"{"nope": 1, "fEnum": "NOT_A_COLOR", "fInt32": 2}"#,
            options: .with { $0.ignoreUnknownFields = true })
        #expect(ignored.populatedFields.count == 1)
    }

    @Test func twoOneofMembersOrOneFieldTwiceAreErrors() throws {
        let oneofs = try CodecFixtures.type("reprise.codec.p3.Oneofs")
        let two = try #require(throws: CodecError.self) {
            try DynamicMessage(type: oneofs, jsonString: #"{"cInt32": 1, "cString": "x"}"#)
        }
        #expect(two.code == .duplicateField)
        #expect(two.description.contains("oneof choice already has a member set"))
        // null does not count as setting a member.
        #expect(throws: Never.self) {
            try DynamicMessage(type: oneofs, jsonString: #"{"cInt32": null, "cString": "x"}"#)
        }
        let twice = try #require(throws: CodecError.self) {
            try DynamicMessage(type: oneofs, jsonString: #"{"outside": "a", "outside": "b"}"#)
        }
        #expect(twice.code == .duplicateField)
        let bothNames = try #require(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.p3.Naming", #"{"snakeCaseName": 1, "snake_case_name": 2}"#)
        }
        #expect(bothNames.code == .duplicateField)
    }

    @Test func extensionsUseBracketedFullNames() throws {
        let text = #"{"base":1,"[reprise.codec.p2.ext_int32]":5,"[reprise.codec.p2.ext_message]":{"value":2}}"#
        let message = try CodecFixtures.message("reprise.codec.p2.Extendable", text)
        #expect(try message.jsonString(options: .with { $0.unpopulated = .omitted }) == text)
    }

    @Test func prettyOutputIndentsTwoSpaces() throws {
        let message = try CodecFixtures.message("reprise.codec.p3.Repeated", #"{"rInt32": [1, 2], "rMessage": [{}]}"#)
        let text = try message.jsonString(
            options: .with {
                $0.unpopulated = .omitted
                $0.pretty = true
            })
        #expect(text == "{\n  \"rInt32\": [\n    1,\n    2\n  ],\n  \"rMessage\": [\n    {}\n  ]\n}")
    }

    @Test func protoNamesUseTheGroupsTypeNameLikeProtojson() throws {
        let message = try CodecFixtures.message("reprise.codec.p2.Groups", #"{"Single": {"a": 1}}"#)
        #expect(try message.jsonString(options: .with { $0.unpopulated = .omitted }) == #"{"single":{"a":1}}"#)
        let names = JSONEncodingOptions.with {
            $0.unpopulated = .omitted
            $0.useProtoNames = true
        }
        #expect(try message.jsonString(options: names) == #"{"Single":{"a":1}}"#)
    }
}
