import GRPCProtocol
import Testing

@Suite struct PercentEncodingTests {
    @Test(arguments: ["plain", "100% sure", "ünïcödé ✓", "line\nbreak", "tab\tand ~ tilde", "", "日本語", "🙂"])
    func roundTripsThroughPrintableASCII(message: String) {
        let encoded = PercentEncoding.encode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(PercentEncoding.decode(encoded) == message)
    }

    @Test func nonASCIIBecomesItsUTF8BytesInUpperCaseHex() {
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        #expect(PercentEncoding.encode("a\u{7F}b") == "a%7Fb")
        #expect(PercentEncoding.encode("100%") == "100%25")
        #expect(PercentEncoding.encode("no change ~") == "no change ~")
    }

    @Test func decodingAcceptsEitherCaseAndKeepsMalformedSequences() {
        #expect(PercentEncoding.decode("%c3%a9") == "é")
        #expect(PercentEncoding.decode("50%zz off %4") == "50%zz off %4")
        #expect(PercentEncoding.decode("%") == "%")
        #expect(PercentEncoding.decode("%41%") == "A%")
    }
}
