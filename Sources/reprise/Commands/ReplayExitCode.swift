import ArgumentParser
import Replay

/// `reprise replay`'s exit statuses, one per outcome a CI job acts on differently (README, `--help`). When
/// several apply, the first in this order wins: interrupted, unreachable, differences, thresholds.
enum ReplayExitCode: Int32, CaseIterable {
    /// Every call matched its recording (or was accepted by `--update`), every threshold held.
    case matched = 0
    /// A call's status or messages differ from the recording: a regression to look at.
    case differences = 1
    /// Bad flags or rules given on the command line (ArgumentParser's usage errors use it too).
    case usage = 64
    /// The recording, a rules file or a schema could not be read or makes no sense.
    case unreadableInput = 66
    /// The target could not be reached, or calls never reached it (a broken environment, not a regression).
    case unreachable = 69
    /// An output (`--report`, `--junit`, `--results`, `--summary-export`, `--update`...) cannot be written.
    case unwritableOutput = 73
    /// A threshold was crossed (as k6).
    case thresholds = 99
    /// SIGINT or SIGTERM stopped the run: never a pass.
    case interrupted = 130

    /// The `--help` table.
    static var help: String {
        """
        Exit status: 0 every call matched; 1 calls differ from the recording; 64 usage error; \
        66 unreadable recording, rules or schema; 69 target unreachable (or calls never reached it); \
        73 an output cannot be written; 99 thresholds crossed; 130 interrupted (SIGINT/SIGTERM). When several \
        apply: interrupted, then unreachable, then differences, then thresholds.
        """
    }

    /// The status for a replay error.
    init(_ error: ReplayError) {
        switch error.code {
        case .unreachable: self = .unreachable
        case .unreadableInput: self = .unreadableInput
        case .unwritableOutput: self = .unwritableOutput
        default: self = .usage
        }
    }
}

/// A failure `reprise replay` reports in one line and exits with a status of ``ReplayExitCode``.
struct ReplayFailure: Error, CustomStringConvertible {
    var status: ReplayExitCode
    var description: String

    init(_ status: ReplayExitCode, _ description: String) {
        self.status = status
        self.description = description
    }

    init(_ error: ReplayError) {
        self.init(ReplayExitCode(error), error.message)
    }
}
