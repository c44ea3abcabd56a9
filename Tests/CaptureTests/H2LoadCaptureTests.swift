import DemoServer
import Foundation
import NIOPosix
import ProtoCodec
import Recording
import TestSupport
import Testing

/// h2load's unary calls to the demo server, captured by tcpdump over IPv4 and IPv6 on `lo` and as Linux
/// cooked captures on `any`: every call comes back from the import, whole.
@Suite(
    .enabled(if: CaptureAvailability.available, "tcpdump cannot capture here: it needs root (or CAP_NET_RAW)"),
    .timeLimit(.minutes(5)), .serialized)
struct H2LoadCaptureTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    struct Setup: Sendable, CustomTestStringConvertible {
        var host: String
        var interface: String
        var linkType: String?
        var testDescription: String { "\(host) on \(interface)\(linkType.map { " as \($0)" } ?? "")" }
    }

    static let setups = [
        Setup(host: "127.0.0.1", interface: "lo"), Setup(host: "::1", interface: "lo"),
        Setup(host: "127.0.0.1", interface: "any", linkType: "LINUX_SLL"),
        Setup(host: "::1", interface: "any", linkType: "LINUX_SLL2"),
    ]

    /// An import records on a second thread while the first reads and decodes packets: when its disk fills
    /// up mid-file, the command still says so and exits 73, and the file keeps whole lines that read.
    @Test(.enabled(if: SmallFilesystem.available, "mounting a small tmpfs needs root; CI runs as root"))
    func anImportWhoseDiskFillsUpStopsWithTheRecordingWhole() async throws {
        let server = try await DemoServer.start(host: "127.0.0.1", group: Self.group)
        let directory = try TemporaryDirectory(prefix: "reprise-capture-full")
        let capture = directory.path("h2load.pcap").path
        let dump = try TCPDump(interface: "lo", filter: "tcp port \(server.port)", path: capture)
        _ = try await H2Load.unary(
            authority: "127.0.0.1:\(server.port)", path: "/demo.v1.Demo/SayHello",
            message: [0x0A, 6] + Array("h2load".utf8), calls: 1000, directory: directory)
        try await dump.stop()
        await server.shutdown()

        let disk = try await SmallFilesystem(in: directory, size: "64k")
        let out = disk.file("calls.jsonl")
        let output = try await Subprocess.run([
            try RepriseExecutable.path(), "import", capture, "--out", out, "--port", "\(server.port)", "-I",
            Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto",
        ])
        #expect(output.status == 73, "\(output.stderrText)")
        #expect(
            output.stderrText.contains("Error: cannot write the recording \(out): No space left on device"),
            "\(output.stderrText)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.count > 32 * 1024)
        #expect(bytes.last == UInt8(ascii: "\n"))
        let recording = try Recording.load(path: out)
        #expect(recording.warnings.isEmpty, "\(recording.warnings)")
        #expect(recording.calls.count > 10)
        withExtendedLifetime(disk) {}
    }

    @Test(arguments: setups) func everyCallH2loadMadeIsRecovered(_ setup: Setup) async throws {
        let calls = 1000
        let server = try await DemoServer.start(host: setup.host, group: Self.group)
        let directory = try TemporaryDirectory(prefix: "reprise-capture-h2load")
        let capture = directory.path("h2load.pcap").path
        let dump = try TCPDump(
            interface: setup.interface, filter: "tcp port \(server.port)", path: capture,
            extra: setup.linkType.map { ["-y", $0] } ?? [])
        // demo.v1.Demo/SayHello with HelloRequest{name: "h2load"}.
        let authority = setup.host.contains(":") ? "[\(setup.host)]:\(server.port)" : "\(setup.host):\(server.port)"
        let output = try await H2Load.unary(
            authority: authority, path: "/demo.v1.Demo/SayHello", message: [0x0A, 6] + Array("h2load".utf8),
            calls: calls, directory: directory)
        #expect(output.stdoutText.contains("\(calls) succeeded, 0 failed, 0 errored"), "\(output.stdoutText)")
        try await dump.stop()
        await server.shutdown()

        let out = directory.path("h2load.jsonl").path
        let summary = try ImportedRecording.run(
            capture, out: out,
            ["--port", "\(server.port)", "-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"])
        #expect(
            summary.contains("\(calls) call(s) recovered (\(calls) complete, 0 incomplete) from 4 connection(s)"),
            "\(summary)")
        let recorded = try ImportedRecording.calls(out)
        #expect(recorded.count == calls)
        let requests = recorded.values.compactMap { $0.first { $0["type"] == "message" && $0["dir"] == "request" } }
        #expect(requests.count == calls)
        #expect(requests.allSatisfy { $0["json"]?["name"] == "h2load" })
        let ends = recorded.values.compactMap { $0.last }
        #expect(ends.allSatisfy { $0["type"] == "end" && $0["outcome"] == "ok" })
    }
}
