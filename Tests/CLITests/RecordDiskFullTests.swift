import DemoServer
import Foundation
import NIOCore
import NIOPosix
import Recording
import TestSupport
import Testing

/// `reprise record` writing to a filesystem that fills up: a 64 KiB tmpfs mounted for the test (root, as CI
/// runs). The proxy says what happened and exits 73; the recording ends with a whole line and reads.
@Suite(
    .enabled(if: SmallFilesystem.available, "mounting a small tmpfs needs root; CI runs as root"),
    .timeLimit(.minutes(2)))
struct RecordDiskFullTests {
    @Test func aFullDiskStopsTheProxyWithTheRecordingWhole() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-disk-full")
        let disk = try await SmallFilesystem(in: directory, size: "64k")

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await DemoServer.start(group: group)
        let out = disk.file("calls.jsonl")
        let record = try RecordProcess(
            upstreamPort: server.port, out: out,
            arguments: ["-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto"])
        // SayHello {"name":"Reprise"}, until the 64 KiB are full (a few hundred calls' lines).
        let hello = directory.path("hello.bin")
        try Data([0, 0, 0, 0, 9, 0x0A, 7] + Array("Reprise".utf8)).write(to: hello)
        _ = try await Subprocess.run([
            try Repository.systemTool("h2load"), "-n", "3000", "-c", "2", "-m", "4", "-d", hello.path, "-H",
            "content-type: application/grpc", "-H", "te: trailers",
            "http://\(record.target)/demo.v1.Demo/SayHello",
        ])
        let status = await record.exitStatus(timeout: .seconds(30))
        await server.shutdown(gracePeriod: .seconds(1))
        try await group.shutdownGracefully()

        #expect(status == 73, "\(record.stderrText)")
        #expect(
            record.stderrText.contains(
                "Error: cannot write the recording \(out): No space left on device; the proxy stopped. The "
                    + "recording keeps what was written before, ending with a whole line"), "\(record.stderrText)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.last == UInt8(ascii: "\n"))
        let recording = try Recording.load(path: out)
        #expect(recording.warnings.isEmpty, "\(recording.warnings)")
        #expect(recording.events.contains { if case .call = $0 { true } else { false } })
        withExtendedLifetime(disk) {}
    }
}
