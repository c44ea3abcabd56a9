/// An error a command reports to the user: one line saying what was wrong and what to do. The
/// process exits with status 1 and no stack trace.
struct CommandError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
