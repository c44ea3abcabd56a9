import Foundation
import TestSupport

/// The switchable grpcio server (`Peers/golden_server.py`) and a golden recording of it: a few Unary calls
/// and a ServerStream, first written with placeholder answers, then made golden by `reprise replay --update`
/// against the server's baseline. Tests flip a switch and replay.
final class GoldenPeer: @unchecked Sendable {
    let server: PeerProcess
    let directory: TemporaryDirectory
    let recording: String
    private let switchesFile: URL

    var target: String { "127.0.0.1:\(server.port)" }

    /// The schema flags every replay of the recording needs (it has no embedded schema).
    static let schemaFlags = [
        "-I", Repository.fixture("protos/record").path, "--proto", "recordtest/v1/record_test.proto",
    ]

    init() throws {
        directory = try TemporaryDirectory(prefix: "reprise-golden")
        switchesFile = directory.path("switches")
        let script = Repository.root.appendingPathComponent("Tests/ReplayTests/Peers/golden_server.py").path
        server = try PeerProcess([try Repository.python(), script, "--switches", switchesFile.path])
        var scripted = ScriptedRecording()
        for (index, text) in ["ada", "bob", "cy"].enumerated() {
            scripted.unary(
                "/recordtest.v1.Recorder/Unary", request: Self.note(text: text, count: index + 1), response: [],
                at: Int64(index) * 2_000_000)
        }
        let stream = scripted.call("/recordtest.v1.Recorder/ServerStream", kind: "server_streaming", at: 8_000_000)
        scripted.message(stream, "request", Self.note(text: "tick", count: 2), at: 8_001_000)
        scripted.event("half_close", stream, at: 8_001_500)
        scripted.finish(stream, code: 0, at: 8_003_000)
        recording = try directory.write("golden.jsonl", scripted.text).path
    }

    /// Turns the server's switches on (none: the baseline).
    func switches(_ names: String...) throws {
        try Data(names.joined(separator: "\n").utf8).write(to: switchesFile)
    }

    /// Runs `reprise replay` on the recording (or `recording`) against the server (or `target`), ten times as fast as recorded
    /// unless `schedule` says otherwise.
    func replay(
        _ flags: [String] = [], target: String? = nil, schedule: [String] = ["--speed", "10"], recording: String? = nil
    ) async throws -> ProcessOutput {
        try await Subprocess.run(
            [
                try RepriseExecutable.path(), "replay", recording ?? self.recording, "--target", target ?? self.target,
                "--plaintext",
                "--quiet",
            ] + schedule + Self.schemaFlags + flags, timeout: .seconds(90))
    }

    /// Makes the recording golden: the baseline's answers written into it.
    func makeGolden() async throws {
        try switches()
        let update = try await replay(["--update"])
        guard update.status == 0 else {
            throw GoldenSetupFailed(
                description: "reprise replay --update exited \(update.status): \(update.stderrText)")
        }
    }

    /// A recordtest.v1.Note with `text` (field 1) and `count` (field 2).
    static func note(text: String, count: Int) -> [UInt8] {
        let bytes = Array(text.utf8)
        return [0x0A, UInt8(bytes.count)] + bytes + [0x10, UInt8(count)]
    }

    deinit { server.stop() }
}

/// The golden recording could not be made.
struct GoldenSetupFailed: Error, CustomStringConvertible {
    var description: String
}
