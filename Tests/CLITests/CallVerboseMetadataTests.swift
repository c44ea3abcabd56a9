import Foundation
import TestSupport
import Testing

/// `reprise call -H` and `-v`: `-bin` metadata shown as base64, whatever the bytes; the keys gRPC sets
/// itself named when they are given.
@Suite("reprise call metadata")
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

    /// grpc-go (so grpcurl and k6) drops metadata the transport owns without a word; Reprise drops it too,
    /// and says so once per key, with what sets it instead.
    @Test func keysTheTransportSetsAreNamedNotSilentlyDropped() async throws {
        try await withDemoServer { address in
            let result = try await reprise([
                "call", "--plaintext", "-v", "-H", "grpc-timeout: 1S", "-H", "x-text: plain", "-H", "Grpc-Timeout: 2S",
                "-H", "content-type: text/plain", "-d", #"{"text":"hi"}"#, address, "demo.v1.Demo/Echo",
            ])
            #expect(result.status == 0, "\(result.stderrText)")
            let warnings = result.stderrText.split(separator: "\n").filter { $0.contains("warning:") }
            #expect(
                warnings == [
                    "reprise call: warning: -H grpc-timeout is not sent: the deadline is --max-time",
                    "reprise call: warning: -H content-type is not sent: the transport sets it",
                ], "\(result.stderrText)")
            let headers = try #require(result.stderrText.split(separator: "\n").first { $0.hasPrefix("headers: ") })
            #expect(headers.contains(#""x-text":["plain"]"#), "\(headers)")
            #expect(!headers.contains("grpc-timeout") && !headers.contains("text/plain"), "\(headers)")
        }
    }
}
