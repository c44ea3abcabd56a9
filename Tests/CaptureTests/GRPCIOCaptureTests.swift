import Foundation
import ProtoCodec
import TestSupport
import Testing

/// A grpcio client calls a grpcio server through `reprise record` while tcpdump captures the proxy's
/// upstream connection on `lo`: the import of that capture must be the proxy's recording of the same
/// traffic, apart from times. Then the same capture, rewritten the ways networks and captures break
/// packets, must still import exactly, or say what is missing.
@Suite(
    .enabled(if: CaptureAvailability.available, "tcpdump cannot capture here: it needs root (or CAP_NET_RAW)"),
    .timeLimit(.minutes(5)), .serialized)
struct GRPCIOCaptureTests {
    static let scenarios = ["unary", "gzip", "server_stream", "client_stream", "bidi", "fail", "trailers_only", "big"]

    /// One capture shared by the suite, with the proxy's recording of the same calls.
    final class Run: Sendable {
        let directory: TemporaryDirectory
        let serverPort: Int
        var capture: String { directory.path("upstream.pcap").path }
        var proxied: String { directory.path("proxied.jsonl").path }
        var imported: String { directory.path("imported.jsonl").path }
        let summary: String

        init() async throws {
            directory = try TemporaryDirectory(prefix: "reprise-capture-grpcio")
            let peers = Repository.root.appendingPathComponent("Tests/ProxyTests/Peers")
            let python = try Repository.python()
            let server = try PeerProcess([python, peers.appendingPathComponent("record_server.py").path])
            defer { server.stop() }
            serverPort = server.port
            let dump = try TCPDump(
                interface: "lo", filter: "tcp port \(server.port)", path: directory.path("upstream.pcap").path)
            let record = try RecordProcess(
                upstreamPort: server.port, out: directory.path("proxied.jsonl").path,
                arguments: ImportedRecording.recordSchema)
            try await Subprocess.check(
                [python, peers.appendingPathComponent("record_client.py").path, "--target", record.target]
                    + GRPCIOCaptureTests.scenarios, timeout: .seconds(120))
            record.send(SIGINT)
            _ = await record.exitStatus()
            try await dump.stop()
            summary = try ImportedRecording.run(
                directory.path("upstream.pcap").path, out: directory.path("imported.jsonl").path,
                ["--port", "\(server.port)"] + ImportedRecording.recordSchema)
        }

        /// Imports a rewritten copy of the capture, both files in `scratch` (the test's own directory, removed
        /// when the test ends: each copy holds the suite's 10 MB message twice); returns the recording's path
        /// and the summary line.
        func importRewritten(
            _ name: String, in scratch: TemporaryDirectory, cutLastRecordAt cut: Int? = nil, arguments: [String] = [],
            status: Int32 = 0, orNothingRecovered: Bool = false, _ rewrite: (inout PcapFile) -> Void
        ) throws -> (path: String, summary: String) {
            var file = try PcapFile(path: capture)
            rewrite(&file)
            let rewritten = scratch.path("\(name).pcap").path
            try file.write(to: rewritten, cutLastRecordAt: cut)
            let out = scratch.path("\(name).jsonl").path
            let summary = try ImportedRecording.run(
                rewritten, out: out, ["--port", "\(serverPort)"] + ImportedRecording.recordSchema + arguments,
                status: status, orNothingRecovered: orNothingRecovered)
            return (out, summary)
        }
    }

    static let run = Task { try await Run() }

    @Test func everyCallTheClientMadeIsRecoveredComplete() async throws {
        let run = try await Self.run.value
        let calls = try ImportedRecording.calls(run.imported)
        #expect(calls.count == Self.scenarios.count)
        #expect(
            run.summary.contains(
                "\(Self.scenarios.count) call(s) recovered (\(Self.scenarios.count) complete, 0 incomplete)"),
            "\(run.summary)")
    }

    @Test func theImportIsTheProxysRecordingApartFromTimes() async throws {
        let run = try await Self.run.value
        let proxied = try ImportedRecording.calls(run.proxied)
        let imported = try ImportedRecording.calls(run.imported)
        #expect(proxied.count == Self.scenarios.count)
        for (key, events) in proxied {
            #expect(imported[key] == events, "\(key)")
        }
        #expect(try ImportedRecording.schema(run.imported) == ImportedRecording.schema(run.proxied))
    }

    @Test func theHeaderNamesTheCaptureAndTheFilterAndTheRecordingValidates() async throws {
        let run = try await Self.run.value
        let text = try String(contentsOfFile: run.imported, encoding: .utf8)
        let header = try JSONValue(parsing: String(text.prefix { $0 != "\n" }))
        #expect(header["source"]?["kind"] == "capture")
        #expect(header["source"]?["file"]?.stringValue == run.capture)
        #expect(header["source"]?["filter"]?.stringValue == "tcp and (port \(run.serverPort))")
        let script = Repository.root.appendingPathComponent("scripts/validate-recording.py").path
        let check = try await Subprocess.run([try Repository.python(), script, run.imported])
        #expect(check.status == 0, "\(check.stdoutText)\(check.stderrText)")
    }

    @Test func reorderedRepeatedAndOverlappingSegmentsGiveTheSameRecording() async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-variant")
        defer { withExtendedLifetime(scratch) {} }
        var swapped = 0
        var repeated = 0
        var overlapping = 0
        let (path, summary) = try run.importRewritten("reordered", in: scratch) { file in
            var records: [PcapFile.Record] = []
            var payloads = 0
            var index = 0
            let original = file.records
            while index < original.count {
                let record = original[index]
                guard let segment = EthernetIPv4Segment(record.data), segment.payloadLength > 0 else {
                    records.append(record)
                    index += 1
                    continue
                }
                payloads += 1
                // Every 7th payload changes places with the next packet when that one continues the same
                // direction: the later bytes arrive first and wait.
                if payloads % 7 == 0, index + 1 < original.count,
                    let next = EthernetIPv4Segment(original[index + 1].data), next.payloadLength > 0,
                    next.sourcePort == segment.sourcePort
                {
                    records += [original[index + 1], record]
                    swapped += 1
                    index += 2
                    continue
                }
                // Every 11th comes first as a shorter segment, then whole: the whole one overlaps it.
                if payloads % 11 == 0, segment.payloadLength >= 20 {
                    records.append(segment.truncated(record, to: segment.payloadLength / 2))
                    overlapping += 1
                }
                records.append(record)
                // Every 5th is sent again, late.
                if payloads % 5 == 0 {
                    records.append(record)
                    repeated += 1
                }
                index += 1
            }
            file.records = records
        }
        #expect(swapped > 0 && repeated > 0 && overlapping > 0)
        #expect(try ImportedRecording.calls(path) == ImportedRecording.calls(run.imported))
        #expect(summary.contains("\(Self.scenarios.count) complete, 0 incomplete"), "\(summary)")
        #expect(summary.contains("out-of-order segment(s) put back in order"), "\(summary)")
        #expect(summary.contains("retransmitted segment(s) ignored"), "\(summary)")
    }

    @Test func aSegmentTheCaptureMissedEndsTheCallsInFlightIncompleteAndSaysWhere() async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-variant")
        defer { withExtendedLifetime(scratch) {} }
        let (path, summary) = try run.importRewritten("gap", in: scratch) { file in
            // Drop the client's payload packet in the middle of the capture.
            let clientPayloads = file.records.indices.filter {
                guard let segment = EthernetIPv4Segment(file.records[$0].data) else { return false }
                return segment.payloadLength > 0 && segment.sourcePort != run.serverPort
            }
            file.records.remove(at: clientPayloads[clientPayloads.count / 2])
        }
        let calls = try ImportedRecording.calls(path)
        let ends = calls.values.compactMap { $0.last(where: { $0["type"] == "end" }) }
        let cut = ends.filter { $0["error"]?.stringValue?.contains("the capture missed") == true }
        #expect(!cut.isEmpty, "\(ends)")
        #expect(calls.count < Self.scenarios.count || !cut.isEmpty)
        #expect(summary.contains("cut short"), "\(summary)")
        #expect(summary.contains("of the client's stream"), "\(summary)")
    }

    /// The capture starts later and later into the connection (its first client payload packets dropped,
    /// as if tcpdump had started then): what is imported is always what the proxy recorded of those calls
    /// (a method inferred from the messages where its `:path` was in HPACK state from before), and the
    /// summary counts what began before the capture and what could not be inferred.
    @Test func aCaptureStartedMidConnectionRecoversWhatItCanAndCountsTheRest() async throws {
        let run = try await Self.run.value
        let proxied = try ImportedRecording.calls(run.proxied)
        let file = try PcapFile(path: run.capture)
        let clientPayloads = file.records.indices.filter {
            guard let segment = EthernetIPv4Segment(file.records[$0].data) else { return false }
            return segment.payloadLength > 0 && segment.sourcePort != run.serverPort
        }
        var inferredSeen = 0
        var recovered = 0
        for start in stride(from: 1, to: clientPayloads.count - 1, by: max(1, clientPayloads.count / 12)) {
            let scratch = try TemporaryDirectory(prefix: "reprise-capture-midway")
            defer { withExtendedLifetime(scratch) {} }
            let (path, summary) = try run.importRewritten(
                "midway-\(start)", in: scratch, orNothingRecovered: true
            ) { file in
                file.records.removeFirst(clientPayloads[start])
            }
            #expect(summary.contains("1 connection(s) joined after they began"), "\(summary)")
            let imported = try ImportedRecording.calls(path)
            recovered += imported.count
            for (key, events) in imported {
                guard let whole = proxied[key] else {
                    Issue.record("start \(start): \(key) is not a call the proxy recorded")
                    continue
                }
                if events[0]["method_inferred"] == .bool(true) { inferredSeen += 1 }
                #expect(events[0]["method"] == whole[0]["method"], "\(key)")
                #expect(events[0]["stream"] == whole[0]["stream"], "\(key)")
                // Header fields from before the capture are missing (counted); the messages are all there.
                let messages = events.filter { $0["type"] == "message" }
                #expect(messages == whole.filter { $0["type"] == "message" }, "\(key)")
                // A status named only in header table state from before ends the call incomplete instead.
                if events.last?["error"]?.stringValue?.contains("before the capture began") != true {
                    #expect(events.last == whole.last, "\(key)")
                    #expect(
                        events.first { $0["type"] == "trailers" } == whole.first { $0["type"] == "trailers" }, "\(key)")
                }
            }
        }
        #expect(recovered > 0)
        // These calls are all of different methods: each :path is new to the table, never inferred.
        #expect(inferredSeen == 0)
    }

    /// tcpdump stopped mid-write: everything before is recorded, the summary and the error say where the
    /// file stops, and the exit status is 66.
    @Test func aCaptureFileThatEndsInsideAPacketKeepsEverythingBefore() async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-variant")
        defer { withExtendedLifetime(scratch) {} }
        var keptCalls = 0
        let (path, summary) = try run.importRewritten(
            "truncated", in: scratch, cutLastRecordAt: 40, status: 66
        ) { file in
            // End the file inside a packet halfway through the large response: its trailers come after it
            // whatever way loopback segmented the response. (Its last big packet would not do: a
            // retransmission can follow the trailers, and the call is then whole.)
            let large = file.records.indices.filter {
                guard let segment = EthernetIPv4Segment(file.records[$0].data) else { return false }
                return segment.payloadLength > 1000 && segment.sourcePort == run.serverPort
            }
            // The 10 MB response is hundreds of these packets; the other calls' answers fit in a few.
            #expect(large.count > 100)
            file.records.removeSubrange((large[large.count / 2] + 1)...)
            keptCalls = Self.scenarios.count
        }
        let calls = try ImportedRecording.calls(path)
        #expect(calls.count == keptCalls)
        #expect(summary.contains("the file ends inside a packet"), "\(summary)")
        let size = try FileManager.default.attributesOfItem(atPath: scratch.path("truncated.pcap").path)[.size]
        #expect(summary.contains("(the file stops at byte \(try #require(size as? Int)))"), "\(summary)")
        #expect(summary.contains("truncated.pcap ends inside a packet, or could not be read past it (see above); "))
        let incomplete = calls.values.filter { $0.last?["outcome"] == "error" }
        #expect(incomplete.count == 1)
        #expect(incomplete.first?.last?["error"]?.stringValue?.contains("the capture ended") == true)
    }

    @Test func aPacketCutBySnapshotLengthEndsItsCallIncomplete() async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-variant")
        defer { withExtendedLifetime(scratch) {} }
        let (path, summary) = try run.importRewritten("snaplen", in: scratch) { file in
            // The biggest packet keeps only its first 200 bytes, as `tcpdump -s 200` would.
            let biggest = file.records.indices.max { file.records[$0].data.count < file.records[$1].data.count }!
            file.records[biggest].data = Array(file.records[biggest].data.prefix(200))
        }
        let calls = try ImportedRecording.calls(path)
        let incomplete = calls.values.filter { $0.last?["outcome"] == "error" }
        #expect(!incomplete.isEmpty)
        #expect(
            incomplete.allSatisfy { $0.last?["error"]?.stringValue?.contains("snapshot length") == true },
            "\(incomplete.map { $0.last })")
        #expect(summary.contains("cut short"), "\(summary)")
    }

    /// The same packets under the other link-layer headers Reprise reads: the same recording.
    @Test(arguments: ["null", "raw", "vlan"]) func otherLinkLayersGiveTheSameRecording(_ link: String) async throws {
        let run = try await Self.run.value
        let scratch = try TemporaryDirectory(prefix: "reprise-capture-variant")
        defer { withExtendedLifetime(scratch) {} }
        let (path, summary) = try run.importRewritten("link-\(link)", in: scratch) { file in
            for index in file.records.indices {
                let data = file.records[index].data
                switch link {
                case "null": file.records[index].data = [2, 0, 0, 0] + data.dropFirst(14)
                case "raw": file.records[index].data = Array(data.dropFirst(14))
                default: file.records[index].data = Array(data[0..<12]) + [0x81, 0x00, 0x00, 0x07] + data.dropFirst(12)
                }
                file.records[index].wireLength =
                    UInt32(Int(file.records[index].wireLength) + file.records[index].data.count - data.count)
            }
            file.linkType = ["null": 0, "raw": 101, "vlan": 1][link]!
        }
        #expect(try ImportedRecording.calls(path) == ImportedRecording.calls(run.imported))
        #expect(summary.contains("\(Self.scenarios.count) complete, 0 incomplete"), "\(summary)")
    }
}
