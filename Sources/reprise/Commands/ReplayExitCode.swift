import ArgumentParser
import Replay

/// `reprise replay`'s exit statuses: the shared ``ExitStatus`` table under the names a CI job acts on. When
/// several apply, the first in this order wins: interrupted, unreachable, differences, thresholds.
typealias ReplayExitCode = ExitStatus

extension ExitStatus {
    /// Every call matched its recording (or was accepted by `--update`), every threshold held.
    static let matched = ExitStatus.success
    /// A call's status or messages differ from the recording: a regression to look at.
    static let differences = ExitStatus.failure
    /// The target could not be reached, or calls never reached it (a broken environment, not a regression).
    static let unreachable = ExitStatus.unavailable

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
        self.init(ReplayExitCode(error), error.message + CallTLSOptions.hint(for: error.transportFailure))
    }
}
