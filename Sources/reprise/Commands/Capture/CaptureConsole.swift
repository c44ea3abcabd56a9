import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `reprise capture` prints on stderr: lines, and progress as a live line on a terminal (rewritten in
/// place) or as plain lines in a log.
struct CaptureConsole {
    let quiet: Bool
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var liveLine = false

    init(quiet: Bool) { self.quiet = quiet }

    static func print(_ text: String) {
        StandardStream.error.write("reprise capture: \(text)\n")
    }

    mutating func progress(_ text: String) {
        guard !quiet else { return }
        if isTerminal {
            StandardStream.error.write("\r\u{1B}[K\(text)")
            liveLine = true
        } else {
            Self.print(text)
        }
    }

    /// Ends the live line, so the next line starts on its own.
    mutating func endLiveLine() {
        if liveLine { StandardStream.error.write("\n") }
        liveLine = false
    }
}
