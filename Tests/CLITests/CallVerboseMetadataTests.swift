import Foundation
import TestSupport
import Testing

/// `reprise call -v` shows `-bin` metadata as base64, whatever the bytes.
@Suite("reprise call -v")
struct CallVerboseMetadataTests {
    @Test func verboseShowsBinaryMetadataAsBase64() async throws {
        try await withDemoServer { address in
            // 0xFF 0xFE 0xFD is not UTF-8: as text it would print as U+FFFD.
            let result = try await reprise([
                "call", "--plaintext", "-v", "-H", "x-raw-bin: //79", "-H", "x-text: plain", "-d", #"{"text":"hi"}"#,
                address, "demo.v1.Demo/Echo",
            ])
            #expect(result.status == 0, "\(result.stderrText)")
            let lines = result.stderrText.split(separator: "\n").map(String.init)
            let headers = try #require(lines.first { $0.hasPrefix("headers: ") })
            let trailers = try #require(lines.first { $0.hasPrefix("trailers: ") })
            #expect(headers.contains(#""x-raw-bin":["//79"]"#), "\(headers)")
            #expect(headers.contains(#""x-text":["plain"]"#))
            #expect(trailers.contains(#""x-raw-bin":["//79"]"#), "\(trailers)")
            #expect(!result.stderrText.contains("\u{FFFD}"))
        }
    }
}
