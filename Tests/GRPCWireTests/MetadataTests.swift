import GRPCProtocol
import NIOHPACK
import Testing

@testable import GRPCWire

/// Metadata: ordering, case, `-bin` values and base64, reserved headers.
@Suite struct MetadataTests {
    @Test func keysAreLowerCasedAndOrderIsKept() {
        var metadata: Metadata = ["B-Key": "1", "a-key": "2"]
        metadata.add("B-KEY", "3")
        #expect(metadata.map(\.key) == ["b-key", "a-key", "b-key"])
        #expect(metadata["b-key"] == [.string("1"), .string("3")])
        #expect(metadata.keys == ["b-key", "a-key"])
    }

    @Test func binValuesAreBase64WithoutPaddingOnTheWire() {
        var metadata = Metadata()
        metadata.add("trace-bin", binary: [0xFF, 0x00, 0x10, 0x20])
        metadata.add("text-bin", "ab")
        var headers = HPACKHeaders()
        metadata.append(to: &headers)
        #expect(headers.first(name: "trace-bin") == "/wAQIA")
        #expect(headers.first(name: "text-bin") == "YWI")
    }

    @Test(
        arguments: [
            ("/wAQIA", [0xFF, 0x00, 0x10, 0x20]), ("/wAQIA==", [0xFF, 0x00, 0x10, 0x20]), ("", []),
            ("YQ", [0x61]), ("YQ==", [0x61]), ("_-8", [0xFF, 0xEF]),
        ] as [(String, [UInt8])])
    func base64DecodesPaddedAndUnpadded(text: String, bytes: [UInt8]) {
        #expect(Base64.decode(text) == bytes)
    }

    @Test func base64RejectsGarbage() {
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("ab$d") == nil)
    }

    @Test func receivedBinValuesAreDecodedIncludingCommaSeparatedOnes() throws {
        let headers: HPACKHeaders = ["x-bin": "AAE=, AgM", "x-text": "hello"]
        let metadata = try Metadata.received(from: headers).get()
        #expect(metadata["x-bin"] == [.binary([0, 1]), .binary([2, 3])])
        #expect(metadata.first("x-text") == .string("hello"))
    }

    @Test func receivedMalformedBinValueIsAnError() {
        #expect(throws: MetadataDecodingError.self) { try Metadata.received(from: ["x-bin": "%%%"]).get() }
    }

    @Test func reservedHeadersAreNeverSentFromUserMetadata() {
        let metadata: Metadata = [
            "content-type": "text/html", "grpc-timeout": "1S", "te": "gzip", ":path": "/x", "connection": "close",
            "x-ok": "1",
        ]
        var headers = HPACKHeaders()
        metadata.append(to: &headers)
        #expect(headers.map(\.name) == ["x-ok"])
    }

    @Test func transportHeadersAreHiddenFromReceivedMetadata() throws {
        let headers: HPACKHeaders = [
            ":status": "200", "content-type": "application/grpc", "grpc-status": "0", "grpc-message": "m",
            "grpc-encoding": "gzip", "user-agent": "x", "x-app": "y",
        ]
        #expect(try Metadata.received(from: headers).get().map(\.key) == ["content-type", "x-app"])
        #expect(try Metadata.received(from: headers, keepUserAgent: true).get().keys.contains("user-agent"))
    }

    @Test(arguments: [("Bad Key", false), ("ok-key.1_2", true), ("x-bin", true)])
    func keysOutsideTheAllowedCharactersAreRejected(key: String, valid: Bool) {
        var metadata = Metadata()
        metadata.add(key: key, value: .string("v"))
        #expect((metadata.validationFailure() == nil) == valid)
    }

    @Test func textValuesMustBePrintableASCII() {
        var metadata = Metadata()
        metadata.add("x-text", "line\nbreak")
        #expect(metadata.validationFailure() != nil)
    }

    /// The edges of printable ASCII, alone and at every place of a long value (the check runs over the
    /// bytes in wide steps, so a bad byte in the tail must count as much as one at the start).
    @Test(arguments: [
        (UInt8(0x1F), false), (0x20, true), (0x41, true), (0x7E, true), (0x7F, false), (0x80, false), (0xFF, false),
        (0x00, false), (0x09, false),
    ])
    func printableASCIIEndsAt0x20And0x7E(byte: UInt8, printable: Bool) {
        let token = Array("Bearer ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 1000)
        for place in [0, 1, 7, 31, 32, 500, token.count - 1] {
            var bytes = token
            bytes[place] = byte
            // Bytes 0x80 and up are not UTF-8 on their own; the value is what decoding them makes.
            let value = String(decoding: bytes, as: UTF8.self)
            #expect(Metadata.isPrintableASCII(value) == printable, "byte \(byte) at \(place)")
        }
        #expect(Metadata.isPrintableASCII(String(decoding: [byte], as: UTF8.self)) == printable)
        #expect(Metadata.isPrintableASCII(""))
    }
}

extension Metadata {
    /// Adds a pair without lower-casing, to test validation of what a caller could construct.
    fileprivate mutating func add(key: String, value: Value) {
        var other = Metadata()
        other.add(key, value: value)
        add(contentsOf: other)
    }
}
