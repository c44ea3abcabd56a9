import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The mistakes a person makes on the command line: each is one `Error:` line naming what was wrong and
/// where, with the README's exit status, found before anything starts.
@Suite struct CommandErrorTests {
    static func reprise(_ arguments: [String], timeout: Duration = .seconds(30)) throws -> ProcessOutput {
        try Subprocess.run(
            [try RepriseExecutable.path()] + arguments, currentDirectory: Repository.root, timeout: timeout)
    }

    /// A listening socket on 127.0.0.1 holding a free port for as long as the test keeps it.
    final class TakenPort {
        let descriptor: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            descriptor = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            try #require(bound == 0 && listen(fd, 1) == 0)
        }

        deinit { close(descriptor) }
    }

    @Test(arguments: [
        ["record", "--upstream", "127.0.0.1:50051", "--out", "/tmp/reprise-port-in-use.jsonl", "--overwrite"],
        ["mock", "recordings/demo.jsonl"],
        ["demo-server"],
    ])
    func aPortInUseIsNamedWithWhatToDo(_ command: [String]) throws {
        let taken = try TakenPort()
        let output = try Self.reprise(command + ["--listen", "\(taken.port)"])
        #expect(output.status == 69)
        #expect(
            output.stderrText.contains(
                "Error: 127.0.0.1:\(taken.port) is already in use by another program; pick another port with --listen"
            ), "\(output.stderrText)")
        #expect(!output.stderrText.contains("errno"))
    }

    /// grpcurl's `list` and `describe` verbs where `call` takes a method: a usage error naming the command.
    @Test(arguments: ["list", "describe"]) func grpcurlsVerbsPointToTheirCommands(_ verb: String) throws {
        let output = try Self.reprise(["call", "--plaintext", "127.0.0.1:1", verb])
        #expect(output.status == 64)
        #expect(
            output.stderrText.contains(
                "\(verb) is not a method: to \(verb) the server's services, run reprise \(verb) 127.0.0.1:1"),
            "\(output.stderrText)")
    }

    /// grpcurl's Go-style flags with one dash: ArgumentParser alone read `-plaintext` as short flags and
    /// complained about `-n`; the error now names the flag with two dashes. An unknown word keeps
    /// ArgumentParser's own error.
    @Test(arguments: [
        (["call", "-plaintext", "127.0.0.1:1", "x.Y/Z"], "-plaintext", "call"),
        (["list", "-plaintext", "127.0.0.1:1"], "-plaintext", "list"),
        (["call", "--plaintext", "-max-time=3", "127.0.0.1:1", "x.Y/Z"], "-max-time", "call"),
    ])
    func grpcurlsSingleDashFlagsAreNamedWithTwo(_ arguments: [String], _ flag: String, _ command: String) throws {
        let output = try Self.reprise(arguments)
        #expect(output.status == 64)
        #expect(
            output.stderrText.contains(
                "Error: \(flag): options take two dashes here, -\(flag) (grpcurl's single dash is Go's flag style); "
                    + "see 'reprise \(command) --help'"), "\(output.stderrText)")
        let unknown = try Self.reprise(["call", "-bogus", "127.0.0.1:1", "x.Y/Z"])
        #expect(unknown.status == 64)
        #expect(unknown.stderrText.contains("Unknown option '-bogus'"), "\(unknown.stderrText)")
    }

    /// A proxy or mock pointed at its own listening address would forward every connection to itself, over
    /// and over: refused before anything starts.
    @Test(arguments: [
        (
            ["record", "--listen", "50090", "--upstream", "localhost:50090", "--out", "/tmp/reprise-self.jsonl"],
            "--upstream localhost:50090"
        ),
        (
            ["mock", "recordings/demo.jsonl", "--listen", ":50093", "--passthrough", "127.0.0.1:50093"],
            "--passthrough 127.0.0.1:50093"
        ),
    ])
    func forwardingToItselfIsRefused(_ arguments: [String], _ said: String) throws {
        let output = try Self.reprise(arguments)
        #expect(output.status == 64)
        #expect(
            output.stderrText.contains(
                "Error: \(said) is this command's own --listen address: it would forward every connection to itself"),
            "\(output.stderrText)")
    }

    /// A passthrough server that is down is the network's no (69), said as such, not a failure to listen.
    @Test func aMockWhosePassthroughIsDownSaysSo() throws {
        let output = try Self.reprise([
            "mock", "recordings/demo.jsonl", "--listen", "127.0.0.1:0", "--passthrough", "127.0.0.1:1",
        ])
        #expect(output.status == 69)
        #expect(
            output.stderrText.contains("--passthrough 127.0.0.1:1: cannot connect: connection refused by 127.0.0.1:1"),
            "\(output.stderrText)")
        #expect(!output.stderrText.contains("cannot serve on"))
    }

    @Test(arguments: [["replay", "nope.jsonl", "--target", "127.0.0.1:1", "--plaintext"], ["mock", "nope.jsonl"]])
    func aMissingRecordingIsNamed(_ command: [String]) throws {
        let output = try Self.reprise(command)
        #expect(output.status == 66)
        #expect(output.stderrText.contains("nope.jsonl: cannot read the recording: No such file or directory"))
        #expect(!output.stderrText.contains("nope.jsonl:0"))
        #expect(!output.stderrText.contains("could not be completed"))
    }

    @Test func aMissingRulesFileIsNamed() throws {
        let output = try Self.reprise([
            "replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--plaintext", "--rules", "no-rules.yaml",
        ])
        #expect(output.status == 66)
        #expect(output.stderrText.contains("--rules no-rules.yaml: cannot read it: No such file or directory"))
    }

    /// Rules files are a few KB; a huge one (a wrong path, a recording passed by mistake) is refused unread.
    @Test func anOversizedRulesFileIsRefusedBeforeItIsRead() throws {
        let directory = try TemporaryDirectory(prefix: "reprise-big-rules")
        let big = directory.path("big.yaml")
        try Data(repeating: UInt8(ascii: "#"), count: 4 * 1024 * 1024 + 1).write(to: big)
        let output = try Self.reprise([
            "replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--plaintext", "--rules", big.path,
        ])
        #expect(output.status == 66)
        #expect(
            output.stderrText.contains(
                "--rules \(big.path): cannot read it: it is 4194305 bytes, more than the 4194304 allowed"),
            "\(output.stderrText)")
    }

    @Test func aMissingInputFileIsNamed() throws {
        let output = try Self.reprise(["decode", "--raw", "-i", "no-message.bin"])
        #expect(output.status == 66)
        #expect(output.stderrText.contains("cannot read --input no-message.bin: No such file or directory"))
    }

    /// `reprise call` keeps grpcurl's statuses: 1 when the call cannot be made.
    @Test func aMissingCertificateIsNamed() throws {
        let output = try Self.reprise(["call", "--cacert", "/nonexistent/ca.pem", "127.0.0.1:1", "x.Y/Z"])
        #expect(output.status == 1)
        #expect(output.stderrText.contains("cannot read --cacert /nonexistent/ca.pem: No such file or directory"))
    }

    /// A threshold on no metric, or with an aggregation its metric lacks, is a usage error found before
    /// anything starts: `call` did not say it until it had connected, `replay` exited 73 (an output).
    @Test(arguments: [
        (
            ["call", "-n", "5", "--threshold", "foo=p(99)<5", "--plaintext", "127.0.0.1:1", "x.Y/Z"],
            "invalid threshold on 'foo': no metric named 'foo'; known metrics are checks, "
        ),
        (
            [
                "replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--plaintext", "--threshold",
                "grpc_reqs=p(99)<5",
            ],
            "invalid threshold 'p(99)<5' on 'grpc_reqs': grpc_reqs is a counter, which does not support 'p'"
        ),
    ])
    func aThresholdOnNoMetricIsAUsageError(_ command: [String], _ message: String) throws {
        let output = try Self.reprise(command)
        #expect(output.status == 64)
        #expect(output.stderrText.hasPrefix("Error: \(message)"), "\(output.stderrText)")
        #expect(!output.stderrText.contains("connect"))
    }

    /// A bad `--header` is found with the other flags, and its usage line is the command's, not the root's.
    @Test func aBadHeaderShowsTheCommandsUsage() throws {
        let output = try Self.reprise([
            "replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--plaintext", "-H", "bad",
        ])
        #expect(output.status == 64)
        #expect(
            output.stderrText
                == "Error: --header 'bad' is not 'key: value'.\nUsage: reprise replay [<options>] <recording>\n"
                + "  See 'reprise replay --help' for more information.\n")
    }

    /// `--tick 5` (five seconds) started every call due in the next 2.5 s at once; `--tick` with `--vus`
    /// did nothing. Both are refused.
    @Test(arguments: [
        (["--rate", "50", "--tick", "5"], "--tick 5: at most 1s (a bare number is seconds)"),
        (["--vus", "2", "--tick", "1ms"], "--tick paces timed schedules; --vus starts each call when the last ends."),
    ])
    func aTickThatCannotPaceIsRefused(_ flags: [String], _ message: String) throws {
        let output = try Self.reprise(["replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1"] + flags)
        #expect(output.status == 64)
        #expect(output.stderrText.hasPrefix("Error: \(message)"), "\(output.stderrText)")
    }

    /// Every output replay writes is checked before it connects (exit 73, no server needed here), and the
    /// error is one `Error:` line as every command's.
    @Test(arguments: ["--results", "--junit", "--report", "--summary-export", "--learn", "--out"])
    func anOutputInAMissingFolderIsRefusedBeforeTheRun(_ option: String) throws {
        let path = "/nonexistent-reprise-folder/out.file"
        let output = try Self.reprise([
            "replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--plaintext", option,
            option == "--out" ? "json=\(path)" : path,
        ])
        #expect(output.status == 73)
        #expect(
            output.stderrText
                == "Error: \(option) \(path): the folder /nonexistent-reprise-folder does not exist; create it first\n")
    }

    /// Output to a reader that has gone (`reprise list ... | head -1`) ends the command quietly, as SIGPIPE
    /// ends a Unix tool; it used to trap in Foundation's FileHandle with a backtrace. (Commands that use the
    /// network run with SIGPIPE ignored and exit 141: `CallCommandTests`.)
    @Test(arguments: [["describe", "recordings/demo.jsonl", "demo.v1.Demo"], ["list", "recordings/demo.jsonl"]])
    func outputToAClosedPipeEndsQuietly(_ arguments: [String]) throws {
        let ended = try Subprocess.runWithoutAReader([try RepriseExecutable.path()] + arguments)
        #expect(ended.brokenPipe, "\(ended)")
        #expect(ended.stderr.isEmpty, "\(ended)")
    }

    /// A recording or protoset that cannot be written is exit 73 with one `Error:` line, as every output:
    /// import said 1, compile said 1 without the prefix.
    @Test(arguments: [
        (
            ["import", "fixtures/captures/grpcio-demo-ipv4.pcap", "--out", "/nonexistent-reprise-folder/x.jsonl"],
            "Error: cannot write the recording /nonexistent-reprise-folder/x.jsonl: No such file or directory\n"
        ),
        (
            ["compile", "-o", "/nonexistent-reprise-folder/x.pb", "-I", "fixtures/protos/demo", "demo/v1/demo.proto"],
            "Error: cannot write the protoset /nonexistent-reprise-folder/x.pb: No such file or directory\n"
        ),
    ])
    func anUnwritableRecordingOrProtosetIsExit73(_ command: [String], _ message: String) throws {
        let output = try Self.reprise(command)
        #expect(output.status == 73)
        #expect(output.stderrText == message, "\(output.stderrText)")
    }

    /// A usage error a command finds while it runs (import's `-I` without `--proto`, found when the schema
    /// loads) shows that command's usage, not the root's `reprise <subcommand>`.
    @Test func aUsageErrorFoundWhileRunningShowsTheCommandsUsage() throws {
        let output = try Self.reprise([
            "import", "fixtures/captures/grpcio-demo-ipv4.pcap", "--out", "/tmp/reprise-usage-\(UUID()).jsonl", "-I",
            "fixtures/protos/demo",
        ])
        #expect(output.status == 64)
        #expect(
            output.stderrText
                == "Error: -I gives where imports are found; name the files to load with --proto FILE.\n"
                + "Usage: reprise import [<options>] <capture> --out <file>\n"
                + "  See 'reprise import --help' for more information.\n")
    }

    /// A negative number is a value, not a flag: the message says what is wrong with it.
    @Test(arguments: [
        (["replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--speed", "-1"], "--speed must be above 0"),
        (["replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--rate", "-5"], "--rate must be above 0"),
        (["replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--vus", "-2"], "--vus must be at least 1"),
        (["call", "--max-msg-size", "-1", "127.0.0.1:1", "x.Y/Z"], "--max-msg-size must be at least 1 byte"),
    ])
    func negativeNumbersAreRefusedWithTheirValue(_ command: [String], _ message: String) throws {
        let output = try Self.reprise(command)
        #expect(output.status == 64)
        #expect(output.stderrText.contains(message), "\(output.stderrText)")
        #expect(!output.stderrText.contains("Missing value"))
    }

    /// Addresses are checked before anything starts, with the same words in every subcommand.
    @Test(arguments: [
        (["replay", "recordings/demo.jsonl", "--target", "50061", "--plaintext"], "--target 50061"),
        (["record", "--listen", "0", "--upstream", "50061", "--out", "/tmp/reprise-x.jsonl"], "--upstream 50061"),
        (["mock", "recordings/demo.jsonl", "--passthrough", "50061"], "--passthrough 50061"),
        (["call", "50061", "x.Y/Z"], "address 50061"),
    ])
    func aPortWithoutAHostIsRefusedUpFront(_ command: [String], _ place: String) throws {
        let output = try Self.reprise(command)
        #expect(output.status == 64)
        #expect(
            output.stderrText.contains("\(place): give the host too, e.g. 127.0.0.1:50061."), "\(output.stderrText)")
        #expect(!output.stderrText.contains("replaying"))
    }

    @Test(arguments: [
        ["replay", "recordings/demo.jsonl", "--target", "127.0.0.1:99999"],
        ["mock", "recordings/demo.jsonl", "--listen", "127.0.0.1:http"],
        ["demo-server", "--listen", "localhost:-3"],
    ])
    func badPortsAreRefusedUpFront(_ command: [String]) throws {
        let output = try Self.reprise(command)
        #expect(output.status == 64)
        #expect(output.stderrText.contains("give HOST:PORT"), "\(output.stderrText)")
    }

    /// `--listen PORT` means 127.0.0.1:PORT in every server (the mock's own help gives that example): nothing
    /// listens beyond this machine unless a host is given.
    @Test(arguments: [["demo-server"], ["mock", "recordings/demo.jsonl"]])
    func aBarePortListensOnLoopback(_ command: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RepriseExecutable.path())
        process.currentDirectoryURL = Repository.root
        process.arguments = command + ["--listen", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let line = try await Subprocess.offThread {
            String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(line.hasPrefix("\(command[0] == "mock" ? "mock" : "demo server") listening on 127.0.0.1:"), "\(line)")
    }

    @Test func unknownFlagsAreUsageErrors() throws {
        let output = try Self.reprise(["replay", "recordings/demo.jsonl", "--target", "127.0.0.1:1", "--nope"])
        #expect(output.status == 64)
        #expect(output.stderrText.contains("Unknown option '--nope'"))
    }
}
