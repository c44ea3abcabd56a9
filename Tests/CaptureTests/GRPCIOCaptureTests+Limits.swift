import Foundation
import ProtoCodec
import TestSupport
import Testing

/// The per-connection memory limit, on the suite's capture rewritten so that bytes pile up behind a
/// segment that comes last.
extension GRPCIOCaptureTests {
    @Test func aConnectionHoldingMoreThanMaxHeldBytesIsSkippedAndNamed() async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-variant")
        defer { withExtendedLifetime(scratch) {} }
        let limit = ["--max-held-bytes", "65536"]
        let (path, summary) = try run.importRewritten("held", in: scratch, arguments: limit) { file in
            // The server's first payload comes last, and the client's acknowledgments are taken away so
            // nothing says it was lost: everything the server sent after it waits for it.
            let first = file.records.firstIndex {
                guard let segment = EthernetIPv4Segment($0.data) else { return false }
                return segment.payloadLength > 0 && segment.sourcePort == run.serverPort
            }!
            let late = file.records.remove(at: first)
            for index in file.records.indices {
                guard let segment = EthernetIPv4Segment(file.records[index].data),
                    segment.sourcePort != run.serverPort
                else { continue }
                file.records[index].data[segment.ipStart + segment.ipHeaderLength + 13] &= ~0x10
            }
            file.records.append(late)
        }
        #expect(summary.contains("1 connection(s) not decoded, their calls lost"), "\(summary)")
        // The server's segment moved behind the connection's end is a late one, not a second connection.
        #expect(summary.contains("from 1 connection(s)") && !summary.contains("joined after"), "\(summary)")
        // Usually the server's stream, as rewritten. But tcpdump on lo sometimes captures the client's own
        // large uploads out of order by more than 64 KiB (about one run in four here), and then the client's
        // stream reaches the limit first: the same limit, named the same way.
        #expect(
            summary.contains("more than 65536 bytes of the server's stream waited behind a missing segment")
                || summary.contains("more than 65536 bytes of the client's stream waited behind a missing segment"),
            "\(summary)")
        #expect(summary.contains("the limit is --max-held-bytes"), "\(summary)")
        // The calls the client had started end, incomplete, with the same reason; none is left open.
        let calls = try ImportedRecording.calls(path)
        #expect(!calls.isEmpty)
        #expect(
            calls.values.allSatisfy {
                $0.last?["outcome"] == "error"
                    && $0.last?["error"]?.stringValue?.contains("--max-held-bytes") == true
            }, "\(calls.values.map { $0.last })")
        #expect(summary.contains("(0 complete, \(calls.count) incomplete)"), "\(summary)")
    }
}
