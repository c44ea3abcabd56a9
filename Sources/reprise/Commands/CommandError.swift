import ArgumentParser
import Engine
import Foundation
import LocalFile

/// An error a command reports to the user: one sentence saying what was wrong, where, and what to do,
/// printed as `Error: ...` with no stack trace. The process exits with ``status`` (README, "Exit status").
struct CommandError: Error, CustomStringConvertible {
    var description: String
    var status: ExitStatus

    init(_ description: String, status: ExitStatus = .failure) {
        self.description = description
        self.status = status
    }

    /// A file the command needed could not be read (exit 66): `what` names the file's role ("the
    /// recording", "--tls-cert").
    static func unreadable(_ what: String, _ error: LocalFileError) -> CommandError {
        let hint = error.isMissing ? "; check the path" : ""
        return CommandError("cannot read \(what) \(error.path): \(error.reason)\(hint).", status: .unreadableInput)
    }
}

extension CommandError {
    /// The connection to a server could not be made: the engine's sentence, which names the server and
    /// says why, and the flag that fixes it where there is one.
    static func cannotConnect(_ error: EngineError, status: ExitStatus = .failure) -> CommandError {
        CommandError(error.message + CallTLSOptions.hint(for: error.transportFailure), status: status)
    }

    /// Server reflection failed at `target` (exit 69): said as a server that serves none (UNIMPLEMENTED) or
    /// one that did not answer, and what to give instead.
    static func reflectionFailed(at target: String, unserved: Bool, _ detail: String, status: ExitStatus = .unavailable)
        -> CommandError
    {
        CommandError(
            "\(target) \(unserved ? "does not serve server reflection" : "did not answer reflection") (\(detail)); "
                + "give the schema with --proto FILE (and -I DIR) or --protoset FILE", status: status)
    }
}

/// The exit statuses every subcommand shares, after BSD's sysexits (64 and up) as grpcurl and many CI
/// tools use them. `reprise call` adds 64 + the gRPC status code of a failed call, as grpcurl does.
enum ExitStatus: Int32, CaseIterable {
    /// Done as asked.
    case success = 0
    /// The command ran and its answer is "no": calls differ from the recording, a check failed.
    case failure = 1
    /// A bad flag, argument or value on the command line (ArgumentParser's usage errors use it too).
    case usage = 64
    /// An input is missing or cannot be read or parsed: a recording, a schema, a rules file, a capture.
    case unreadableInput = 66
    /// The network said no: the target cannot be reached, or the address to listen on is taken.
    case unavailable = 69
    /// An output cannot be written.
    case unwritableOutput = 73
    /// The system refused a privilege the command needs (capturing packets without root or CAP_NET_RAW).
    case permissionDenied = 77
    /// A threshold was crossed (as k6).
    case thresholds = 99
    /// SIGINT or SIGTERM stopped the command before its end.
    case interrupted = 130
}

/// Reads a whole text file a command was given, as a ``CommandError`` (exit 66) that names its role.
func readTextFile(_ path: String, what: String) throws(CommandError) -> String {
    do {
        return try LocalFile.readText(LocalFile.expandingHome(path))
    } catch {
        throw .unreadable(what, error)
    }
}
