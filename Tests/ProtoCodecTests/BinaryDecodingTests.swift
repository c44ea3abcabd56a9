import Foundation
import ProtoCodec
import ProtoSchema
import Testing

@Suite struct BinaryDecodingTests {
    let repeated: MessageType

    init() throws { repeated = try CodecFixtures.type("reprise.codec.p3.Repeated") }

    @Test func packedAndUnpackedRepeatedFieldsAreBothAccepted() throws {
        // r_int32 (5) is packed by default, expanded_int32 (18) is not; each is sent the other way here.
        let unpackedFive = [UInt8](hex: "2801 2802 28ff ffff ffff ffff ffff 01")
        let packedEighteen = [UInt8](hex: "9201 03 01 02 03")
        let message = try DynamicMessage(type: repeated, serializedBytes: unpackedFive + packedEighteen)
        #expect(message["r_int32"] == .list(.int32s([1, 2, -1])))
        #expect(message["expanded_int32"] == .list(.int32s([1, 2, 3])))
        // Written back each in its declared form.
        #expect(try message.serializedBytes() == [UInt8](hex: "2a0c 0102 ffffffffffffffffff01 9001 01 9001 02 9001 03"))
    }

    @Test func elementsOfOneListSplitAcrossTheInputAreJoined() throws {
        let bytes = [UInt8](hex: "2a02 0102 4a01 61 2a01 03 4a01 62")
        let message = try DynamicMessage(type: repeated, serializedBytes: bytes)
        #expect(message["r_int32"] == .list(.int32s([1, 2, 3])))
        #expect(message["r_string"] == .list(.strings(["a", "b"])))
    }

    @Test func unknownFieldsAreKeptAndWrittenBackByteForByte() throws {
        let scalars = try CodecFixtures.type("reprise.codec.p3.Scalars")
        // f_int32 = 7, then field 99 (varint), field 100 (len), field 101 (fixed32), field 102 (group).
        let unknown = [UInt8](hex: "9806 96 01 a206 03 616263 ad06 01020304 b306 0801 b406")
        let bytes = [UInt8](hex: "2807") + unknown
        let message = try DynamicMessage(type: scalars, serializedBytes: bytes)
        #expect(message.unknownFields == unknown)
        #expect(try message.serializedBytes() == bytes)
        let dropped = try DynamicMessage(
            type: scalars, serializedBytes: bytes, options: .with { $0.discardUnknownFields = true })
        #expect(dropped.unknownFields.isEmpty)
    }

    @Test func aWireTypeTheFieldDoesNotTakeMakesAnUnknownField() throws {
        let scalars = try CodecFixtures.type("reprise.codec.p3.Scalars")
        let bytes = [UInt8](hex: "2a 01 05")  // f_int32 (5) sent length-delimited
        let message = try DynamicMessage(type: scalars, serializedBytes: bytes)
        #expect(message["f_int32"] == nil)
        #expect(message.unknownFields == bytes)
    }

    @Test func closedEnumNumbersTheEnumDoesNotDefineBecomeUnknownFields() throws {
        let closed = try CodecFixtures.type("reprise.codec.p2.ClosedEnums")
        // single = 7 (unknown), expanded = [5, 9], packed = [1, 8, 10]
        let bytes = [UInt8](hex: "0807 1005 1009 1a03 01080a")
        let message = try DynamicMessage(type: closed, serializedBytes: bytes)
        #expect(message["single"] == nil)
        #expect(message["expanded"] == .list(.enums([5])))
        #expect(message["packed"] == .list(.enums([1, 10])))
        #expect(message.unknownFields == [UInt8](hex: "0807 1009 1808"))
        // Open enums keep any number.
        let open = try CodecFixtures.type("reprise.codec.p3.Scalars")
        let kept = try DynamicMessage(type: open, serializedBytes: [UInt8](hex: "6063"))
        #expect(kept["f_enum"] == .enumNumber(99))
    }

    @Test func aRepeatedSingularMessageIsMergedAndTheLastScalarWins() throws {
        let scalars = try CodecFixtures.type("reprise.codec.p3.Scalars")
        // f_message {f_int32: 1, f_string: "a"}, f_int32 = 1, f_message {f_int32: 2}, f_int32 = 3
        let bytes = [UInt8](hex: "8a01 05 2801 4a0161 2801 8a01 02 2802 2803")
        let message = try DynamicMessage(type: scalars, serializedBytes: bytes)
        #expect(message["f_int32"] == .int32(3))
        let inner = try #require(message["f_message"]?.messageValue)
        #expect(inner["f_int32"] == .int32(2))
        #expect(inner["f_string"] == .string("a"))
    }

    @Test func theLastOneofMemberOnTheWireWins() throws {
        let oneofs = try CodecFixtures.type("reprise.codec.p3.Oneofs")
        let bytes = [UInt8](hex: "0805 1202 6869 2007")  // c_int32, c_string, c_enum
        let message = try DynamicMessage(type: oneofs, serializedBytes: bytes)
        #expect(message["c_int32"] == nil && message["c_string"] == nil)
        #expect(message["c_enum"] == .enumNumber(7))
        let choice = try #require(oneofs.descriptor.oneofs.first { $0.name == "choice" })
        #expect(message.whichOneof(choice)?.name == "c_enum")
        // A member set to its zero value is still set.
        let zero = try DynamicMessage(type: oneofs, serializedBytes: [UInt8](hex: "0800"))
        #expect(zero["c_int32"] == .int32(0))
        #expect(try zero.serializedBytes() == [UInt8](hex: "0800"))
    }

    @Test func proto3ZeroValuesReadAsUnsetAndAreNotWritten() throws {
        let scalars = try CodecFixtures.type("reprise.codec.p3.Scalars")
        let message = try DynamicMessage(type: scalars, serializedBytes: [UInt8](hex: "2800 4a00 4000"))
        #expect(message.populatedFields.isEmpty)
        #expect(try message.serializedBytes().isEmpty)
        // -0.0 is not the zero value: protobuf writes it.
        var negative = scalars.makeMessage()
        negative["f_double"] = .double(-0.0)
        #expect(try negative.serializedBytes() == [UInt8](hex: "09 0000000000000080"))
    }

    @Test func proto2DefaultsAreWhatUnsetFieldsReadAs() throws {
        let defaults = try CodecFixtures.type("reprise.codec.p2.Defaults")
        let message = defaults.makeMessage()
        func value(_ name: String) -> Value { message.value(of: defaults.field(named: name)!) }
        #expect(value("d_double") == .double(-1.5))
        #expect(value("d_float") == .float(.infinity))
        #expect(value("d_int64") == .int64(-9_007_199_254_740_993))
        #expect(value("d_uint64") == .uint64(.max))
        #expect(value("d_int32") == .int32(-42))
        #expect(value("d_bool") == .bool(true))
        #expect(value("d_string") == .string("h\u{e9}llo \"q\"\n"))
        #expect(value("d_bytes") == .bytes([0, 1, 255, 97, 98, 99]))
        #expect(value("d_enum") == .enumNumber(5))
        #expect(value("d_sint32") == .int32(.min))
        #expect(value("d_sint64") == .int64(.min))
        #expect(value("d_neg_inf") == .float(-.infinity))
        #expect(value("no_default_enum") == .enumNumber(1))  // a closed enum's first value
        #expect(value("d_nan").doubleValue?.isNaN == true)
        #expect(message["d_int32"] == nil)
        // Explicit presence: a value equal to the default is still set and written.
        var set = message
        set["d_int32"] = .int32(-42)
        #expect(try set.serializedBytes() == [UInt8](hex: "28 d6ffffffffffffffff01"))
    }

    @Test func missingRequiredFieldsAreErrorsUnlessPartialIsAllowed() throws {
        let holder = try CodecFixtures.type("reprise.codec.p2.WithRequiredChild")
        let bytes = [UInt8](hex: "0a 02 0801")  // child {id: 1}, name missing
        let error = try #require(throws: CodecError.self) { try DynamicMessage(type: holder, serializedBytes: bytes) }
        #expect(error.code == .missingRequired)
        #expect(error.description == "$.child.name: required field reprise.codec.p2.Required.name is not set")
        let partial = try DynamicMessage(
            type: holder, serializedBytes: bytes, options: .with { $0.allowPartial = true })
        #expect(!partial.isInitialized)
        let encodeError = try #require(throws: CodecError.self) { try partial.serializedBytes() }
        #expect(encodeError.code == .missingRequired)
        #expect(try partial.serializedBytes(options: .with { $0.allowPartial = true }) == bytes)
        // Required fields split across two occurrences of the message are fine.
        let split = [UInt8](hex: "0a 02 0801 0a 03 120162")
        #expect(try DynamicMessage(type: holder, serializedBytes: split).isInitialized)
    }

    @Test func groupsAndDelimitedMessagesRoundTrip() throws {
        let groups = try CodecFixtures.type("reprise.codec.p2.Groups")
        let message = try CodecFixtures.message(
            "reprise.codec.p2.Groups", #"{"single": {"a": 1, "b": "x"}, "multi": [{"c": "5"}, {}], "after": 2}"#)
        let bytes = try message.serializedBytes()
        #expect(bytes == [UInt8](hex: "0b 1001 1a0178 0c 23 2805 24 23 24 3802"))
        #expect(try DynamicMessage(type: groups, serializedBytes: bytes) == message)
        let features = try CodecFixtures.type("reprise.codec.ed.Features")
        var child = features.makeMessage()
        child["explicit_int"] = .int32(3)
        var parent = features.makeMessage()
        parent["delimited_child"] = .message(child)
        #expect(try parent.serializedBytes(options: .with { $0.allowPartial = true }) == [UInt8](hex: "2b 0803 2c"))
    }

    @Test func hugeFieldNumbersWork() throws {
        let huge = try CodecFixtures.type("reprise.codec.p3.HugeNumbers")
        let message = try CodecFixtures.message(
            "reprise.codec.p3.HugeNumbers", #"{"small": 1, "big": 2, "mid": "m", "list": [1, 2]}"#)
        let bytes = try message.serializedBytes()
        #expect(bytes == [UInt8](hex: "0801 82ea30 01 6d faffffff07 02 0102 f8ffffff0f 02"))
        #expect(try DynamicMessage(type: huge, serializedBytes: bytes) == message)
    }

    @Test func extensionsAreDecodedEncodedAndKeptApartFromUnknownFields() throws {
        let extendable = try CodecFixtures.type("reprise.codec.p2.Extendable")
        let message = try CodecFixtures.message(
            "reprise.codec.p2.Extendable",
            #"{"base": 1, "[reprise.codec.p2.ext_int32]": 5, "[reprise.codec.p2.ext_strings]": ["a", "b"], "[reprise.codec.p2.ExtensionScope.scoped_text]": "s"}"#
        )
        let bytes = try message.serializedBytes()
        #expect(bytes == [UInt8](hex: "0801 a00605 c20601 61 c20601 62 f20601 73"))
        let back = try DynamicMessage(type: extendable, serializedBytes: bytes + [UInt8](hex: "b80c01"))
        #expect(back.unknownFields == [UInt8](hex: "b80c01"))
        let ext = try #require(CodecFixtures.registry().pool.extensionField(named: "reprise.codec.p2.ext_int32"))
        #expect(back[ext] == .int32(5))
        #expect(extendable.extensionFields.count == 11)
    }

    @Test func invalidUTF8IsRejectedOnlyWhereTheSchemaValidatesIt() throws {
        let checked = try CodecFixtures.type("reprise.codec.p3.Scalars")
        let error = try #require(throws: CodecError.self) {
            try DynamicMessage(type: checked, serializedBytes: [UInt8](hex: "4a03 61ff62"))
        }
        #expect(error.code == .invalidUTF8)
        #expect(error.offset == 3)
        let unchecked = try CodecFixtures.type("reprise.codec.p2.Strings2")
        let message = try DynamicMessage(type: unchecked, serializedBytes: [UInt8](hex: "0a03 61ff62"))
        #expect(message["text"] == .string("a\u{FFFD}b"))
    }

    @Test func nestingIsLimitedTo100LevelsLikeUpb() throws {
        let tree = try CodecFixtures.type("reprise.codec.p3.Tree")
        _ = try DynamicMessage(type: tree, serializedBytes: CodecFixtures.nestedTrees(100))
        let error = try #require(throws: CodecError.self) {
            try DynamicMessage(type: tree, serializedBytes: CodecFixtures.nestedTrees(101))
        }
        #expect(error.code == .recursionLimit)
        let deeper = try DynamicMessage(
            type: tree, serializedBytes: CodecFixtures.nestedTrees(150), options: .with { $0.recursionLimit = 200 })
        #expect(try deeper.serializedBytes(options: .with { $0.recursionLimit = 200 }).count > 150)
        #expect(throws: CodecError.self) { try deeper.serializedBytes() }
    }

    @Test func decodingWorksFromRawBuffersArraysAndData() throws {
        let scalars = try CodecFixtures.type("reprise.codec.p3.Scalars")
        let bytes = [UInt8](hex: "2807 4a0161")
        let fromArray = try DynamicMessage(type: scalars, serializedBytes: bytes)
        let fromData = try DynamicMessage(type: scalars, serializedData: Data(bytes))
        let fromBuffer = try bytes.withUnsafeBytes { try DynamicMessage(type: scalars, serializedBytes: $0) }
        #expect(fromArray == fromData && fromData == fromBuffer)
        #expect(try fromArray.serializedData() == Data(bytes))
        let encoding = try BinaryEncoding(fromArray)
        var buffer = [UInt8](repeating: 0xEE, count: encoding.count + 3)
        buffer.withUnsafeMutableBytes { _ = encoding.write(into: $0) }
        #expect(Array(buffer.prefix(encoding.count)) == bytes)
        #expect(try DynamicMessage(type: scalars, serializedBytes: []).populatedFields.isEmpty)
    }

    @Test func mapsKeepWireOrderAndDeterministicOutputSortsKeys() throws {
        let maps = try CodecFixtures.type("reprise.codec.p3.Maps")
        // string_to_string: "b" -> "1", "a" -> "2", "b" -> "3" (a repeated key: last value wins)
        let bytes = [UInt8](hex: "6206 0a0162 120131 6206 0a0161 120132 6206 0a0162 120133")
        let message = try DynamicMessage(type: maps, serializedBytes: bytes)
        let map = try #require(message["string_to_string"]?.mapValue)
        #expect(map.entries.map(\.key) == [.string("b"), .string("a")])
        #expect(map[.string("b")] == .string("3"))
        #expect(try message.serializedBytes() == [UInt8](hex: "6206 0a0162 120133 6206 0a0161 120132"))
        #expect(
            try message.serializedBytes(options: .with { $0.deterministic = true })
                == [UInt8](hex: "6206 0a0161 120132 6206 0a0162 120133"))
        // A missing key or value reads as the default.
        let partial = try DynamicMessage(type: maps, serializedBytes: [UInt8](hex: "0a02 0807 0a00"))
        #expect(partial["int32_to_string"]?.mapValue?[.int32(7)] == .string(""))
        #expect(partial["int32_to_string"]?.mapValue?[.int32(0)] == .string(""))
    }
}
