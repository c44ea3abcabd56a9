import Foundation
import ProtoCodec
import ProtoSchema
import Testing

/// Every well-known type in its JSON form, both ways, including the edges of each range.
@Suite struct WellKnownTypeTests {
    static let omitted = JSONEncodingOptions.with { $0.unpopulated = .omitted }

    /// Reads `json` as a `Known` field, checks it writes back as `expected` (default: the same text),
    /// and that binary round-trips too.
    func roundTrip(_ field: String, _ json: String, expected: String? = nil) throws {
        let known = try CodecFixtures.type("reprise.codec.wkt.Known")
        let message = try DynamicMessage(type: known, jsonString: "{\"\(field)\":\(json)}")
        let written = try message.jsonString(options: Self.omitted)
        #expect(written == "{\"\(field)\":\(expected ?? json)}", "\(field): \(json)")
        let binary = try message.serializedBytes()
        #expect(try DynamicMessage(type: known, serializedBytes: binary) == message)
    }

    @Test(
        arguments: [
            ("\"1970-01-01T00:00:00Z\"", nil),
            ("\"0001-01-01T00:00:00Z\"", nil),
            ("\"9999-12-31T23:59:59.999999999Z\"", nil),
            ("\"2024-01-02T03:04:05.123Z\"", nil),
            ("\"2024-01-02T03:04:05.120000Z\"", "\"2024-01-02T03:04:05.120Z\""),
            ("\"2024-01-02T03:04:05.000123Z\"", nil),
            ("\"2024-01-02T03:04:05.000000001Z\"", nil),
            ("\"2024-02-29T23:00:00+01:30\"", "\"2024-02-29T21:30:00Z\""),
            ("\"1969-12-31T23:59:59.5-00:00\"", "\"1969-12-31T23:59:59.500Z\""),
        ] as [(String, String?)])
    func timestampsUseRFC3339WithZeroThreeSixOrNineDigits(json: String, expected: String?) throws {
        try roundTrip("timestamp", json, expected: expected)
    }

    @Test(arguments: [
        "\"0000-12-31T23:59:59Z\"", "\"10000-01-01T00:00:00Z\"", "\"2024-02-30T00:00:00Z\"", "\"2024-01-01 00:00:00Z\"",
        "\"2024-01-01T00:00:00\"", "\"2024-01-01T00:00:00.1234567891Z\"", "\"2024-01-01T24:00:00Z\"", "0",
        "\"0001-01-01T00:00:00+01:00\"",
    ])
    func malformedOrOutOfRangeTimestampsAreRejected(json: String) throws {
        let error = try #require(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.wkt.Known", "{\"timestamp\":\(json)}")
        }
        #expect(error.path == "$.timestamp")
    }

    @Test func timestampsOutsideTheRangeCannotBeWritten() throws {
        var timestamp = try CodecFixtures.type("google.protobuf.Timestamp").makeMessage()
        timestamp["seconds"] = .int64(253_402_300_800)
        #expect(throws: CodecError.self) { try timestamp.jsonString() }
        timestamp["seconds"] = .int64(0)
        timestamp["nanos"] = .int32(-1)
        #expect(throws: CodecError.self) { try timestamp.jsonString() }
    }

    @Test(
        arguments: [
            ("\"0s\"", nil), ("\"1.5s\"", "\"1.500s\""), ("\"-0.000001s\"", nil), ("\"315576000000.999999999s\"", nil),
            ("\"-315576000000s\"", nil), ("\"1.000340012s\"", nil), ("\"3.1s\"", "\"3.100s\""),
        ] as [(String, String?)])
    func durationsAreSecondsWithASuffix(json: String, expected: String?) throws {
        try roundTrip("duration", json, expected: expected)
    }

    @Test(arguments: ["\"1\"", "\"1.s\"", "\"315576000001s\"", "\"1.0000000001s\"", "\"--1s\"", "1"])
    func malformedDurationsAreRejected(json: String) throws {
        #expect(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.wkt.Known", "{\"duration\":\(json)}")
        }
    }

    @Test func negativeDurationsUnderASecondKeepTheirSign() throws {
        var duration = try CodecFixtures.type("google.protobuf.Duration").makeMessage()
        duration["nanos"] = .int32(-500_000_000)
        #expect(try duration.jsonString() == "\"-0.500s\"")
        duration["seconds"] = .int64(1)
        #expect(throws: CodecError.self) { try duration.jsonString() }  // mixed signs
    }

    @Test func fieldMasksAreCommaJoinedCamelCasePaths() throws {
        try roundTrip("fieldMask", "\"fooBar,baz.quxQuux,a\"")
        try roundTrip("fieldMask", "\"\"")
        let message = try CodecFixtures.message("reprise.codec.wkt.Known", #"{"fieldMask": "fooBar.baz"}"#)
        let mask = try #require(message["field_mask"]?.messageValue)
        #expect(mask["paths"] == .list(.strings(["foo_bar.baz"])))
        #expect(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.wkt.Known", #"{"fieldMask": "foo_bar"}"#)
        }
        #expect(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.wkt.Known", #"{"fieldMask": {"paths": ["a"]}}"#)
        }
        var bad = try CodecFixtures.type("google.protobuf.FieldMask").makeMessage()
        bad["paths"] = .list(.strings(["fooBar"]))
        #expect(throws: CodecError.self) { try bad.jsonString() }
    }

    @Test func structValueAndListValueAreNativeJSON() throws {
        try roundTrip("struct", #"{"a":1,"b":[true,null,"x",{"c":{}}],"d":-2.5}"#)
        try roundTrip("value", #"{"nested":[1,2]}"#)
        try roundTrip("value", "[]")
        try roundTrip("value", "\"text\"")
        try roundTrip("value", "false")
        try roundTrip("value", "1e-7")
        try roundTrip("listValue", #"[1,"two",null,[],{}]"#)
        // null on a Value field sets it to null_value (it does not unset it).
        let message = try CodecFixtures.message("reprise.codec.wkt.Known", #"{"value": null}"#)
        #expect(message["value"]?.messageValue?["null_value"] == .enumNumber(0))
        #expect(try message.jsonString(options: Self.omitted) == #"{"value":null}"#)
        var nan = try CodecFixtures.type("google.protobuf.Value").makeMessage()
        nan["number_value"] = .double(.nan)
        #expect(throws: CodecError.self) { try nan.jsonString() }
        let topLevel = try DynamicMessage(type: try CodecFixtures.type("google.protobuf.Value"), jsonString: "null")
        #expect(try topLevel.jsonString() == "null")
    }

    @Test func nullValueFieldsAreNull() throws {
        let lists = try CodecFixtures.type("reprise.codec.wkt.KnownLists")
        let message = try DynamicMessage(type: lists, jsonString: #"{"nullValues": [null, null], "pickNull": null}"#)
        #expect(message["null_values"] == .list(.enums([0, 0])))
        #expect(message["pick_null"] == .enumNumber(0))
        #expect(try message.jsonString(options: Self.omitted) == #"{"nullValues":[null,null],"pickNull":null}"#)
    }

    @Test(arguments: [
        ("doubleValue", "1.5"), ("doubleValue", "\"NaN\""), ("floatValue", "-0.25"),
        ("int64Value", "\"-9223372036854775808\""),
        ("uint64Value", "\"18446744073709551615\""), ("int32Value", "-2147483648"), ("uint32Value", "4294967295"),
        ("boolValue", "true"), ("stringValue", "\"hey John\""), ("bytesValue", "\"AQI=\""), ("int64Value", "\"0\""),
    ])
    func wrappersAreTheirBareValue(field: String, json: String) throws {
        try roundTrip(field, json)
    }

    @Test func wrappersAcceptTheLooserInputForms() throws {
        let message = try CodecFixtures.message(
            "reprise.codec.wkt.Known",
            #"{"int64Value": 6, "uint32Value": "7", "doubleValue": "Infinity", "boolValue": null}"#)
        #expect(
            try message.jsonString(options: Self.omitted)
                == #"{"doubleValue":"Infinity","int64Value":"6","uint32Value":7}"#)
    }

    @Test func emptyIsAnEmptyObject() throws {
        try roundTrip("empty", "{}")
        #expect(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.wkt.Known", #"{"empty": {"x": 1}}"#)
        }
    }

    @Test func anyCarriesTheTypeURLAndTheFieldsOrTheWellKnownValue() throws {
        try roundTrip("any", #"{"@type":"type.googleapis.com/reprise.codec.wkt.Payload","note":"n","count":"3"}"#)
        try roundTrip("any", #"{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1.500s"}"#)
        try roundTrip("any", #"{"@type":"type.googleapis.com/google.protobuf.Struct","value":{"a":[1]}}"#)
        try roundTrip("any", #"{"@type":"type.googleapis.com/google.protobuf.Empty","value":{}}"#)
        try roundTrip(
            "any",
            #"{"@type":"type.googleapis.com/google.protobuf.Any","value":{"@type":"type.googleapis.com/google.protobuf.Int32Value","value":5}}"#
        )
        try roundTrip("any", "{}")
        // "@type" may come after the fields; Python's Empty form without "value" is accepted.
        let late = try CodecFixtures.message(
            "reprise.codec.wkt.Known", #"{"any": {"note": "n", "@type": "x.com/reprise.codec.wkt.Payload"}}"#)
        #expect(
            try late.jsonString(options: Self.omitted)
                == #"{"any":{"@type":"x.com/reprise.codec.wkt.Payload","note":"n"}}"#)
        _ = try CodecFixtures.message("reprise.codec.wkt.Known", #"{"any": {"@type": "a/google.protobuf.Empty"}}"#)
        // With k6's defaults the packed message's unpopulated fields are written too.
        let k6 = try late.jsonValue()
        #expect(k6["any"]?["count"] == "0" && k6["any"]?["known"] == .null)
    }

    @Test func anyOfATypeTheRegistryDoesNotKnowIsAnError() throws {
        let error = try #require(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.wkt.Known", #"{"any": {"@type": "type.googleapis.com/no.Such"}}"#)
        }
        #expect(error.code == .unknownType)
        #expect(
            error.description
                == #"$.any.@type: unable to resolve "type.googleapis.com/no.Such": not found in the loaded descriptors"#
        )
        var any = try CodecFixtures.type("google.protobuf.Any").makeMessage()
        any["type_url"] = .string("type.googleapis.com/no.Such")
        let writing = try #require(throws: CodecError.self) { try any.jsonString() }
        #expect(writing.code == .unknownType)
        let missing = try #require(throws: CodecError.self) {
            try CodecFixtures.message("reprise.codec.wkt.Known", #"{"any": {"note": "x"}}"#)
        }
        #expect(missing.description.contains("needs a \"@type\""))
    }

    @Test func wellKnownTypesInListsAndMapsUseTheirJSONForms() throws {
        let text =
            #"{"timestamps":["2024-01-01T00:00:00Z"],"durations":["-1s"],"values":[1,null,"a"],"int64Values":["5"],"valueMap":{"k":{"x":true}},"timestampMap":{"3":"1970-01-01T00:00:01Z"},"pickDuration":"0.001s"}"#
        let message = try CodecFixtures.message("reprise.codec.wkt.KnownLists", text)
        #expect(try message.jsonString(options: Self.omitted) == text)
    }
}
