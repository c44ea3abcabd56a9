import Foundation
import GRPCProtocol
import Testing

@Suite struct Base64Tests {
    @Test(arguments: [
        ([UInt8](), "", ""), ([0x00], "AA==", "AA"), ([0x00, 0x01], "AAE=", "AAE"),
        ([0x00, 0x01, 0x02], "AAEC", "AAEC"), ([0xFF, 0xFE, 0xFD, 0xFC], "//79/A==", "//79/A"),
        (Array("hello world".utf8), "aGVsbG8gd29ybGQ=", "aGVsbG8gd29ybGQ"),
    ])
    func encodesPaddedOrUnpaddedAndDecodesBoth(bytes: [UInt8], padded: String, unpadded: String) {
        #expect(Base64.encode(bytes) == padded)
        #expect(Base64.encode(bytes, padded: false) == unpadded)
        #expect(Base64.decode(padded) == bytes)
        #expect(Base64.decode(unpadded) == bytes)
    }

    @Test func everyLengthRoundTripsThroughTheBufferEncoder() {
        // Every length up to 64, and around the encoder's 768-byte chunks.
        for count in Array(0..<64) + Array(760..<780) + Array(1530..<1540) + [10_000] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var out: [UInt8] = Array("prefix:".utf8)
            bytes.withUnsafeBytes { Base64.encode($0, into: &out) }
            #expect(out.starts(with: Array("prefix:".utf8)))
            #expect(Base64.decode(String(decoding: out.dropFirst(7), as: UTF8.self)) == bytes)
            #expect(Base64.encode(bytes[...]) == String(decoding: out.dropFirst(7), as: UTF8.self))
            // Foundation's encoder as the reference, padded and not.
            let reference = Data(bytes).base64EncodedString()
            #expect(String(decoding: out.dropFirst(7), as: UTF8.self) == reference)
            var unpadded: [UInt8] = []
            bytes.withUnsafeBytes { Base64.encode($0, padded: false, into: &unpadded) }
            #expect(String(decoding: unpadded, as: UTF8.self) == reference.replacingOccurrences(of: "=", with: ""))
        }
    }

    @Test func nonContiguousCollectionsEncodeLikeArrays() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0x00, 0x41]
        #expect(Base64.encode(bytes.lazy.map { $0 }) == Base64.encode(bytes))
    }

    @Test(arguments: ["A", "AB=", "A===", "AB C", "AB!=", "====", "QQ=A", "QQ===", "é"])
    func rejectsWhatIsNotBase64(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func theURLSafeAlphabetIsAcceptedUnlessLeftOut() {
        #expect(Base64.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64.decode("-_8=") == [0xFB, 0xFF])
        #expect(Base64.decode("-_8", options: []) == nil)
        #expect(Base64.decode("+/8", options: []) == [0xFB, 0xFF])
    }

    @Test func paddingCanBeRequired() {
        #expect(Base64.decode("YQ==", options: .paddingRequired) == [0x61])
        #expect(Base64.decode("YQ", options: .paddingRequired) == nil)
        #expect(Base64.decode("", options: .paddingRequired) == [])
    }

    @Test func canonicalDecodingRejectsStrayBits() {
        #expect(Base64.decode("AR==") == [0x01])
        #expect(Base64.decode("AR==", options: .canonical) == nil)
        #expect(Base64.decode("_w==", options: [.urlSafeAlphabet, .canonical]) == [0xFF])
        #expect(Base64.decode("AQ==", options: .canonical) == [0x01])
    }

    @Test func binaryMetadataIgnoresStrayPaddingAndAcceptsBothAlphabets() {
        #expect(Base64.decode("YQ=", options: .binaryMetadata) == [0x61])
        #expect(Base64.decode("YQ===", options: .binaryMetadata) == [0x61])
        #expect(Base64.decode("_-8", options: .binaryMetadata) == [0xFF, 0xEF])
        #expect(Base64.decode("a", options: .binaryMetadata) == nil)
        #expect(Base64.decode("YQ=", options: []) == nil)
    }
}
