import DemoServer
import Foundation
import NIOPosix
import ProtoCodec
import TestSupport
import Testing

/// `reprise capture` on `lo` while h2load calls the demo server: it records every call, and stops on
/// `--count`, `--duration` and SIGINT with the recording whole; a missing interface or privilege is
/// said plainly.
@Suite(
    .enabled(if: CaptureAvailability.available, "capturing needs root (or CAP_NET_RAW); CI runs tests as root"),
    .timeLimit(.minutes(5)), .serialized)
struct LiveCaptureTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    static let demoSchema = [
        "-I", Repository.fixture("protos/demo").path, "--proto", "demo/v1/demo.proto",
    ]

    /// Makes `calls` unary calls to `server` with h2load (SayHello, name "live").
    static func callWithH2Load(_ server: DemoServer, calls: Int, directory: TemporaryDirectory) async throws {
        let output = try await H2Load.unary(
            authority: "127.0.0.1:\(server.port)", path: "/demo.v1.Demo/SayHello",
            message: [0x0A, 4] + Array("live".utf8), calls: calls, connections: 2, streams: 8, directory: directory)
        #expect(output.stdoutText.contains("\(calls) succeeded, 0 failed, 0 errored"), "\(output.stdoutText)")
    }

    /// Every call in the recording at `path` said hello to "live" and ended ok; returns how many there were.
    static func checkCalls(_ path: String) throws -> Int {
        let calls = try ImportedRecording.calls(path)
        let requests = calls.values.compactMap { $0.first { $0["type"] == "message" && $0["dir"] == "request" } }
        #expect(requests.count == calls.count)
        #expect(requests.allSatisfy { $0["json"]?["name"] == "live" })
        #expect(calls.values.allSatisfy { $0.last?["type"] == "end" && $0.last?["outcome"] == "ok" })
        return calls.count
    }

    /// What one capture run left: its recording, its stderr and exit status, and the server's port.
    struct Run {
        /// Kept until the test is done with the recording in it.
        var directory: TemporaryDirectory
        var out: String
        var stderr: String
        var status: Int32?
        var port: Int
    }

    /// Starts `reprise capture -i lo` with `arguments(port)` (the demo server's port), makes `calls` calls
    /// while it captures, then lets `stop` end it (given the process and the recording's path).
    static func captureWhileCalling(
        calls: Int, _ arguments: (Int) -> [String], stop: (CaptureProcess, String) async throws -> Void = { _, _ in }
    ) async throws -> Run {
        let server = try await DemoServer.start(host: "127.0.0.1", group: Self.group)
        let directory = try TemporaryDirectory(prefix: "reprise-live")
        let out = directory.path("live.jsonl").path
        let capture = try CaptureProcess(
            ["-i", "lo", "--out", out] + arguments(server.port) + Self.demoSchema,
            log: directory.path("capture.log").path)
        #expect(await capture.waitUntilCapturing(), "\(capture.stderrText)")
        try await Self.callWithH2Load(server, calls: calls, directory: directory)
        try await stop(capture, out)
        let status = await capture.exitStatus()
        await server.shutdown()
        return Run(directory: directory, out: out, stderr: capture.stderrText, status: status, port: server.port)
    }

    @Test func itStopsAfterCountCallsWithEveryCallRecorded() async throws {
        let calls = 300
        let run = try await Self.captureWhileCalling(calls: calls) { ["--port", "\($0)", "--count", "\(calls)"] }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("stopped (\(calls) call(s) ended)"), "\(run.stderr)")
        #expect(run.stderr.contains("dropped by the kernel"), "\(run.stderr)")
        #expect(try Self.checkCalls(run.out) == calls)
        let header = try ImportedRecording.header(run.out)
        #expect(header["source"]?["interface"] == "lo")
        #expect(header["source"]?["filter"]?.stringValue == "tcp and (port \(run.port))")
    }

    @Test func sigintStopsItAndKeepsEveryCallWritten() async throws {
        let calls = 100
        // The filter as a tcpdump-style expression this time.
        let run = try await Self.captureWhileCalling(calls: calls) {
            ["tcp", "port", "\($0)"]
        } stop: { capture, out in
            // The progress line comes once a second while it captures, and the recording is flushed then:
            // every call can be read before the capture stops.
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try ImportedRecording.calls(out).count == calls)
            capture.send(SIGINT)
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("stopped (interrupted)"), "\(run.stderr)")
        #expect(run.stderr.contains("\(calls) call(s) (\(calls) complete)"), "\(run.stderr)")
        #expect(try Self.checkCalls(run.out) == calls)
        #expect(
            try ImportedRecording.header(run.out)["source"]?["filter"]?.stringValue == "tcp and (tcp port \(run.port))")
    }

    @Test func durationStopsItWhenNothingComes() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-live-duration")
        let out = directory.path("live.jsonl").path
        let started = ContinuousClock.now
        let capture = try CaptureProcess(
            ["-i", "lo", "--port", "9", "--duration", "1s", "--out", out], log: directory.path("capture.log").path)
        let status = await capture.exitStatus()
        // Nothing to replay or mock: a job must not take the empty recording for one (README, "Exit statuses").
        #expect(status == 66, "\(capture.stderrText)")
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(capture.stderrText.contains("stopped (--duration 1s elapsed): 0 call(s)"), "\(capture.stderrText)")
        #expect(
            capture.stderrText.contains("no call captured on lo (see above); \(out) holds only its header"),
            "\(capture.stderrText)")
        #expect(try ImportedRecording.header(out)["source"]?["kind"] == "capture")
    }

    @Test func anUnknownInterfaceIsNamedWithTheOnesThatExist() async throws {
        let directory = try TemporaryDirectory(prefix: "reprise-live-nosuch")
        let output = try await Subprocess.run(
            [try RepriseExecutable.path(), "capture", "-i", "nosuch0", "--out", directory.path("x.jsonl").path])
        #expect(output.status == 64)  // a usage error (README, "Exit statuses")
        #expect(output.stderrText.contains("cannot capture on nosuch0: no such interface"), "\(output.stderrText)")
        #expect(output.stderrText.contains("Interfaces here: "), "\(output.stderrText)")
        #expect(output.stderrText.contains("lo"), "\(output.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("x.jsonl").path))
    }

    @Test func withoutPrivilegeItSaysWhatToDo() async throws {
        // The same command as an unprivileged user (nobody, no capabilities).
        let directory = try TemporaryDirectory(prefix: "reprise-live-unprivileged")
        let output = try await Subprocess.run(
            [
                try Repository.systemTool("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", try RepriseExecutable.path(), "capture", "-i", "lo",
                "--out", directory.path("x.jsonl").path,
            ])
        #expect(output.status == 77)  // a missing privilege
        #expect(output.stderrText.contains("cannot capture on lo: permission denied"), "\(output.stderrText)")
        #expect(output.stderrText.contains("CAP_NET_RAW"), "\(output.stderrText)")
        #expect(output.stderrText.contains("sudo"), "\(output.stderrText)")
    }
}
